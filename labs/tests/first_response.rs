//! Tests of the `first_response` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/first_response.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/first_response.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, timed, within};
use crossbeam::channel::{Receiver, bounded};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(3);

/// A replica that answers after `ms` milliseconds, or closes its channel then without answering.
fn replica(answer: Option<&'static str>, ms: u64) -> Receiver<String> {
    let (tx, rx) = bounded(1);
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(ms));
        if let Some(answer) = answer {
            let _ = tx.send(answer.to_string());
        }
    });
    rx
}

/// Races two replicas; returns the winner and how long the race took.
fn race(
    a: (Option<&'static str>, u64),
    b: (Option<&'static str>, u64),
) -> (Option<String>, Duration) {
    within(DEADLINE, move || {
        timed(|| lab::first_answer(replica(a.0, a.1), replica(b.0, b.1)))
    })
}

#[test]
fn the_faster_replica_wins_whichever_it_is() {
    let (winner, took) = race((Some("a"), 600), (Some("b"), 20));
    assert_eq!(winner.as_deref(), Some("b"), "b answered 580 ms before a");
    assert!(
        took < Duration::from_millis(300),
        "took {took:?}: it waited for the slow replica"
    );
    let (winner, _) = race((Some("a"), 20), (Some("b"), 600));
    assert_eq!(winner.as_deref(), Some("a"), "a answered 580 ms before b");
}

#[test]
fn a_replica_that_fails_is_out_of_the_race() {
    let (winner, _) = race((None, 0), (Some("b"), 100));
    assert_eq!(
        winner.as_deref(),
        Some("b"),
        "a failed at once; b answered later"
    );
    let (winner, took) = race((Some("a"), 100), (None, 0));
    assert_eq!(
        winner.as_deref(),
        Some("a"),
        "b failed at once; a answered later"
    );
    assert!(took >= Duration::from_millis(80), "{took:?}");
}

#[test]
fn when_both_fail_there_is_no_answer() {
    let (winner, _) = race((None, 10), (None, 50));
    assert_eq!(winner, None);
}

#[test]
fn waiting_after_a_replica_failed_costs_no_cpu() {
    for failed_first in [true, false] {
        let (winner, cpu) = within(DEADLINE, move || {
            let (a, b) = if failed_first {
                (replica(None, 0), replica(Some("b"), 400))
            } else {
                (replica(Some("a"), 400), replica(None, 0))
            };
            cpu_used(|| lab::first_answer(a, b))
        });
        assert!(winner.is_some(), "one replica answered after 400 ms");
        if let Some(cpu) = cpu {
            cpu.assert_idle("waited 400 ms for one replica after the other had failed");
        }
    }
}
