//! Tests of the `leak` step: a dropped Receiver frees blocked senders; a kept Sender leaks.
use chanlab_channels::leak::{self, first_answer};
use chanlab_common::Cx;
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, one_run_in_three, run_step};
use std::time::Duration;

const PACE: f64 = 0.05;

#[test]
fn the_slower_senders_end_once_the_receiver_is_gone() {
    // Returns which replica answered first, having checked what holds whatever the order: one
    // answer taken, the one returned, and every replica ended.
    let run = || {
        let (first, taken) = no_threads_left(STEP_DEADLINE, || {
            let cx = Cx::capture(1.0);
            let delays = [0, 150, 300].map(Duration::from_millis);
            let (first, replicas) = first_answer(&cx, &delays).unwrap();
            // Joining cannot hang: every send after the first fails instead of blocking.
            let taken: Vec<bool> = replicas.into_iter().map(|r| r.join().unwrap()).collect();
            (first, taken)
        });
        let first = first.expect("an answer");
        assert_eq!(taken.iter().filter(|&&t| t).count(), 1, "{taken:?}");
        assert!(taken[first], "{first} returned but not taken: {taken:?}");
        first
    };
    for _ in 0..3 {
        run();
    }
    // Which replica answers first is a race of their sleeps, 150 ms apart, which a loaded
    // machine can still overrun: the fastest must win in one run of three.
    one_run_in_three("the fastest replica answers first", run, |first| {
        *first == 0
    });
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
