//! Tests of the `error_channel` step and `call_with_timeout`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use chanlab_patterns::error_channel::{self, WorkError, call_with_timeout};
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn the_step_shows_success_failure_and_timeout() {
    let t = run_step(error_channel::run, 0.1);
    assert_eq!(
        t.lines()[..3],
        [
            "fast work: ok, work done",
            "failing work: work failed: disk full",
            "slow work: timed out after 1.0s",
        ],
        "{t}"
    );
    assert!(t.lines()[3].starts_with("the slow worker finished"), "{t}");
}

#[test]
fn a_timeout_returns_on_time_and_the_late_worker_still_exits() {
    let (outcome, took) = no_threads_left(STEP_DEADLINE, || {
        let start = Instant::now();
        let outcome = call_with_timeout(Duration::from_millis(20), || {
            thread::sleep(Duration::from_secs(1));
            Ok::<_, ()>("late")
        });
        (outcome, start.elapsed())
    });
    assert_eq!(outcome, Err(WorkError::TimedOut(Duration::from_millis(20))));
    assert!(
        took < Duration::from_millis(300),
        "waited {took:?} for a 20 ms timeout"
    );
}

#[test]
fn a_panicking_worker_is_an_error_not_a_timeout() {
    let outcome = no_threads_left(STEP_DEADLINE, || {
        call_with_timeout(STEP_DEADLINE, || -> Result<(), ()> {
            panic!("worker fails")
        })
    });
    assert_eq!(outcome, Err(WorkError::Panicked));
}
