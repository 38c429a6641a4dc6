//! Tests of the `close_and_range` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/close_and_range.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/close_and_range.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{count_threads, no_threads_left, timed, within};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(2);

/// 1² + 2² + … + n², by the formula.
fn expected(n: u64) -> u64 {
    n * (n + 1) * (2 * n + 1) / 6
}

#[test]
fn the_sum_ends_once_every_worker_is_done() {
    for (n, workers) in [(100, 4), (1000, 3), (10, 1), (5, 8), (0, 2), (7, 0)] {
        let sum = no_threads_left(DEADLINE, move || lab::sum_of_squares(n, workers));
        assert_eq!(sum, expected(n), "n = {n}, {workers} workers");
    }
}

#[test]
fn the_sum_is_ready_as_soon_as_the_workers_are_done() {
    let took = within(DEADLINE, || {
        timed(|| {
            for n in 1..=30 {
                assert_eq!(lab::sum_of_squares(n, 2), expected(n), "n = {n}, 2 workers");
            }
        })
        .1
    });
    assert!(
        took < Duration::from_millis(400),
        "30 small sums took {took:?}: after the last value, the loop went on waiting. Close the \
         channel (drop every Sender), and the loop over it ends at once"
    );
}

#[test]
fn it_starts_as_many_workers_as_asked() {
    for workers in [2, 3] {
        let (sum, threads) = within(DEADLINE, move || {
            count_threads(|| lab::sum_of_squares(3000, workers))
        });
        assert_eq!(sum, expected(3000));
        if let Some(threads) = threads {
            assert!(
                threads.started <= workers,
                "{workers} workers were asked for and {} threads ran",
                threads.started
            );
        }
    }
}
