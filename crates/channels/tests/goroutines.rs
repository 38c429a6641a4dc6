//! Tests of the `goroutines` step and its reusable code.
use chanlab_channels::goroutines::{self, SMALL_STACK, spawn_many};
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step, run_step_with_args};
use chanlab_common::{Cx, Exit};

#[test]
fn ten_thousand_threads_run_at_once_and_all_are_joined() {
    let t = run_step(goroutines::run, 1.0);
    assert!(t.contains("10! = 3628800"), "{t}");
    assert!(t.contains("[10, 3, 7, 4]"), "{t}");
    assert!(
        t.contains("spawned 10000 threads with 64 KiB stacks"),
        "{t}"
    );
    assert!(t.contains("peak threads alive at once: 10000"), "{t}");
}

#[test]
fn the_count_is_an_argument() {
    let t = run_step_with_args(goroutines::run, 1.0, &["250"]);
    assert!(t.contains("peak threads alive at once: 250"), "{t}");
}

#[test]
fn a_bad_count_is_a_usage_error() {
    for bad in [&["0"][..], &["100001"], &["many"], &["1", "2"]] {
        let cx = Cx::capture(1.0).with_args(bad.iter().copied());
        let error = goroutines::run(&cx).expect_err("bad count accepted");
        let exit = error.downcast_ref::<Exit>().expect("an Exit");
        assert_eq!(exit.code, 2, "{bad:?}: {}", exit.message);
    }
}

#[test]
fn spawn_many_reports_every_thread() {
    let report = no_threads_left(STEP_DEADLINE, || spawn_many(500, SMALL_STACK).unwrap());
    assert_eq!((report.threads, report.peak), (500, 500));
    assert!(report.per_spawn() > std::time::Duration::ZERO);
}
