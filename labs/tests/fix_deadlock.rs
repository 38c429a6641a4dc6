//! Tests of the `fix_deadlock` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fix_deadlock.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fix_deadlock.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{count_threads, no_threads_left, timed, within};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(2);

#[test]
fn every_thread_gets_its_left_neighbours_number() {
    for n in [2, 3, 5, 16] {
        let got = no_threads_left(DEADLINE, move || lab::pass_right(n));
        let expected: Vec<usize> = (0..n).map(|i| (i + n - 1) % n).collect();
        assert_eq!(got, expected, "a ring of {n}");
    }
}

#[test]
#[should_panic(expected = "a ring needs at least two threads")]
fn a_ring_of_one_is_refused() {
    within(DEADLINE, || lab::pass_right(1));
}

#[test]
fn a_ring_of_n_runs_on_n_threads() {
    // Ten rings: a thread that lives a few microseconds may escape one count, not ten.
    let most = within(DEADLINE, || {
        (0..10)
            .filter_map(|_| count_threads(|| lab::pass_right(32)).1)
            .map(|count| count.started)
            .max()
    });
    if let Some(most) = most {
        assert!(
            most <= 32,
            "a ring of 32 started {most} threads: each thread of the ring sends and receives \
             itself. A send handed to a helper thread is a thread nobody waits for"
        );
    }
}

#[test]
fn the_ring_waits_for_nobody_longer_than_it_must() {
    // The quickest of ten rings of 8: an unbuffered hand-over takes microseconds, so a ring that
    // waits for a timeout before it moves on shows.
    let quickest = within(DEADLINE, || {
        (0..10)
            .map(|_| timed(|| lab::pass_right(8)).1)
            .min()
            .unwrap_or_default()
    });
    assert!(
        quickest < Duration::from_millis(8),
        "the quickest of ten rings of 8 took {quickest:?}: the threads waited for a timeout. \
         Break the cycle by the order of the sends and receives, not by giving up after a while"
    );
}
