//! Tests of the `timers` step and `Timer`.
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use chanlab_select::timers::{self, Timer};
use std::time::{Duration, Instant};

#[test]
fn one_timer_fires_and_the_stopped_one_never_does() {
    // Timer 2 is stopped right after it starts, 1 s before it fires: 200 ms at this pace,
    // far more than a loaded machine stalls between two statements.
    let t = run_step(timers::run, 0.2);
    assert_eq!(
        t.lines()[1..],
        [
            "Timer 2 stopped before it fired",
            "0.4s (2s at pace 1) later Timer 2 has still not fired: stop is final"
        ],
        "{t}"
    );
    assert!(t.lines()[0].starts_with("Timer 1 fired at"), "{t}");
}

#[test]
fn a_timer_fires_once_after_its_duration() {
    within(STEP_DEADLINE, || {
        let start = Instant::now();
        let timer = Timer::new(Duration::from_millis(30));
        timer.channel().recv().unwrap();
        assert!(start.elapsed() >= Duration::from_millis(30));
        // Once only.
        assert!(
            timer
                .channel()
                .recv_timeout(Duration::from_millis(50))
                .is_err()
        );
    });
}

#[test]
fn stop_after_firing_returns_false_and_reset_rearms() {
    within(STEP_DEADLINE, || {
        let mut timer = Timer::new(Duration::from_millis(1));
        timer.channel().recv().unwrap();
        assert!(!timer.stop(), "the timer had already fired");
        assert!(!timer.stop(), "stopping twice stops nothing");
        assert!(!timer.reset(Duration::from_millis(10)));
        assert!(
            timer.channel().recv_timeout(Duration::from_secs(5)).is_ok(),
            "reset re-arms"
        );
        let mut pending = Timer::new(Duration::from_secs(60));
        assert!(
            pending.reset(Duration::from_millis(1)),
            "reset of a pending timer"
        );
        assert!(
            pending
                .channel()
                .recv_timeout(Duration::from_secs(5))
                .is_ok()
        );
    });
}
