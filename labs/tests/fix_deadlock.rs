//! Tests of the `fix_deadlock` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fix_deadlock.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fix_deadlock.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, within};
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
