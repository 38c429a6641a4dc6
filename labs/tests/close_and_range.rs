//! Tests of the `close_and_range` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/close_and_range.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/close_and_range.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::no_threads_left;
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
