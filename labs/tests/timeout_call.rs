//! Tests of the `timeout_call` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/timeout_call.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/timeout_call.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, timed};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(5);

#[test]
fn a_quick_computation_answers_as_soon_as_it_is_done() {
    // 5 steps of 10 ms, with a limit of 2 s: the answer is there after about 50 ms.
    let (result, took) =
        no_threads_left(DEADLINE, || timed(|| lab::call(5, Duration::from_secs(2))));
    assert_eq!(result, Ok(50));
    assert!(
        took < Duration::from_millis(500),
        "a computation of 50 ms, with a limit of 2 s, answered after {took:?}: the call waited \
         for the limit instead of the answer. Wait for whichever comes first (select!)"
    );
}

#[test]
fn a_slow_computation_times_out_on_time() {
    // 300 steps of 10 ms: 3 s of work, with a limit of 100 ms.
    let (result, took) = no_threads_left(DEADLINE, || {
        timed(|| lab::call(300, Duration::from_millis(100)))
    });
    assert_eq!(result, Err(lab::CallError::TimedOut));
    assert!(
        took < Duration::from_millis(500),
        "the call took {took:?} with a limit of 100 ms"
    );
}

#[test]
fn many_timed_out_calls_leave_no_thread_behind() {
    let took = no_threads_left(DEADLINE, || {
        timed(|| {
            for _ in 0..10 {
                assert_eq!(
                    lab::call(300, Duration::from_millis(20)),
                    Err(lab::CallError::TimedOut)
                );
            }
        })
        .1
    });
    assert!(
        took < Duration::from_secs(2),
        "10 calls limited to 20 ms took {took:?}"
    );
}
