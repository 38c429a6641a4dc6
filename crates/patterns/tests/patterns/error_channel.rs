//! Tests of the `error_channel` step and `call_with_timeout`.
use chanlab_common::Transcript;
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, no_threads_left};
use chanlab_patterns::error_channel::{self, WorkError, call_with_timeout};
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn the_step_shows_success_failure_and_timeout() {
    // The fast and failing work take 0.2 s of a 1 s timeout: 200 ms ahead at this pace, which a
    // loaded machine can overrun once.
    let always = |t: &Transcript| {
        assert!(
            t.contains("slow work: timed out after 0.25s (1.0s at pace 1)"),
            "{t}"
        );
        assert!(t.lines()[3].starts_with("the slow worker finished"), "{t}");
    };
    let in_time = |t: &Transcript| {
        t.lines()[..2]
            == [
                "fast work: ok, work done",
                "failing work: work failed: disk full",
            ]
    };
    fast_in_one_of_three(error_channel::run, 0.25, always, in_time);
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
    // Far below the worker's 1 s, and far above what a loaded machine adds to 20 ms.
    assert!(
        took < Duration::from_millis(600),
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
