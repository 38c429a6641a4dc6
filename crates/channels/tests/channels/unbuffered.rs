//! Tests of the `unbuffered` step and its reusable code.
use chanlab_channels::unbuffered::{self, ping_pong};
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use std::time::Duration;

const PACE: f64 = 0.05;

#[test]
fn the_send_waits_for_the_receiver() {
    let t = run_step(unbuffered::run, PACE);
    let ready = t.position("receiver: ready").expect("receiver line");
    let returned = t.position("sender: send returned").expect("sender line");
    assert!(
        ready < returned,
        "the send returned before the receiver was ready:\n{t}"
    );
    // The receiver turns up after 1 s (at this pace): the send cannot have returned sooner.
    let one_second = Duration::from_secs(1).mul_f64(PACE);
    assert!(t.events[returned].at >= one_second.mul_f64(0.95), "{t}");
    assert!(t.contains("receiver: got \"ping\""), "{t}");
    assert_eq!(t.events[returned].thread, "sender", "{t}");
    assert!(t.contains("ping-pong: 10000 round trips"), "{t}");
}

#[test]
fn ping_pong_counts_every_round_and_ends() {
    let round_trip = no_threads_left(STEP_DEADLINE, || ping_pong(1000));
    assert!(round_trip > Duration::ZERO);
}
