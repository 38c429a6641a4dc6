//! Tests of the `leak` step: a dropped Receiver frees blocked senders; a kept Sender leaks.
use chanlab_channels::leak::{self, first_answer};
use chanlab_common::Cx;
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use std::time::Duration;

const PACE: f64 = 0.05;

#[test]
fn the_slower_senders_end_once_the_receiver_is_gone() {
    for _ in 0..5 {
        let (first, taken) = no_threads_left(STEP_DEADLINE, || {
            // Real time: gaps of 150 ms keep the order on a loaded machine, where a few
            // milliseconds do not.
            let cx = Cx::capture(1.0);
            let delays = [0, 150, 300].map(Duration::from_millis);
            let (first, replicas) = first_answer(&cx, &delays).unwrap();
            // Joining cannot hang: every send after the first fails instead of blocking.
            let taken: Vec<bool> = replicas.into_iter().map(|r| r.join().unwrap()).collect();
            (first, taken)
        });
        assert_eq!(first, Some(0), "the fastest answers first");
        assert_eq!(taken, [true, false, false]);
    }
}

#[test]
fn a_forgotten_sender_keeps_the_worker_waiting_until_dropped() {
    let t = run_step(leak::run, PACE);
    assert!(t.contains("nothing leaked"), "{t}");
    assert!(
        t.contains("worker finished = false: leaked"),
        "the worker should still be blocked while a Sender lives:\n{t}"
    );
    let leaked = t.position("leaked, blocked in recv").unwrap();
    let ended = t.position("jobs closed: ending").expect("the worker ends");
    assert!(
        leaked < ended,
        "the worker ended before the Sender was dropped:\n{t}"
    );
    assert_eq!(t.events[ended].thread, "worker", "{t}");
    assert_eq!(t.count("did job"), 3, "{t}");
}
