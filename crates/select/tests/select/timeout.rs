//! Tests of the `timeout` step and `recv_within`.
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, within};
use chanlab_select::timeout::{self, recv_within};
use crossbeam_channel::bounded;
use std::time::{Duration, Instant};

#[test]
fn each_form_of_timeout_fires_and_the_worker_still_ends() {
    // The three timeouts end 0.25 s before the 2 s job, in real time: a loaded machine can still
    // overrun that once, so one run in three must show it.
    fast_in_one_of_three(
        timeout::run,
        1.0,
        |t| assert!(t.contains("the worker finished anyway"), "{t}"),
        |t| t.count("Timeout!") == 3 && t.contains("still buffered: Ok(\"result\")"),
    );
}

#[test]
fn recv_within_returns_a_value_that_comes_in_time() {
    within(STEP_DEADLINE, || {
        let (tx, rx) = bounded(1);
        tx.send(7).unwrap();
        assert_eq!(recv_within(&rx, Duration::from_secs(5)), Some(7));
    });
}

#[test]
fn recv_within_gives_up_on_time() {
    within(STEP_DEADLINE, || {
        let (_tx, rx) = bounded::<i32>(0);
        let start = Instant::now();
        assert_eq!(recv_within(&rx, Duration::from_millis(50)), None);
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(50) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
    });
}

#[test]
fn recv_within_reports_a_closed_channel_as_none_at_once() {
    within(STEP_DEADLINE, || {
        let (tx, rx) = bounded::<i32>(0);
        drop(tx);
        let start = Instant::now();
        assert_eq!(recv_within(&rx, Duration::from_secs(10)), None);
        assert!(start.elapsed() < Duration::from_secs(1));
    });
}
