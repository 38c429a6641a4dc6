//! The `spawn` step: many tasks and threads alive at once, measured.
use chanlab_common::testing::{STEP_DEADLINE, run_step_with_args, within};
use chanlab_common::{Cx, Exit};
use chanlab_tasks::spawn::{self, spawn_tasks};

#[test]
fn tasks_and_threads_are_all_alive_at_once_and_all_end() {
    let t = run_step_with_args(spawn::run, 1.0, &["20000", "300"]);
    assert!(t.contains("10! = 3628800"), "{t}");
    assert!(t.contains("20000 tasks on 2 worker threads"), "{t}");
    assert!(t.contains("peak alive 20000"), "{t}");
    assert!(t.contains("300 threads with 64 KiB stacks"), "{t}");
    assert!(t.contains("peak alive 300"), "{t}");
    assert!(t.contains("  task ") && t.contains("  thread "), "{t}");
}

#[test]
fn bad_counts_are_usage_errors() {
    for bad in [
        &["0"][..],
        &["1000001"],
        &["many"],
        &["10", "0"],
        &["1", "2", "3"],
    ] {
        let cx = Cx::capture(1.0).with_args(bad.iter().copied());
        let error = spawn::run(&cx).expect_err("bad count accepted");
        let exit = error.downcast_ref::<Exit>().expect("an Exit");
        assert_eq!(exit.code, 2, "{bad:?}: {}", exit.message);
    }
}

#[test]
fn every_task_is_counted_on_either_flavour() {
    let report = within(STEP_DEADLINE, || super::block_on(spawn_tasks(5_000)));
    assert_eq!((report.tasks, report.peak), (5_000, 5_000));
    let report = within(STEP_DEADLINE, || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
            .block_on(spawn_tasks(50_000))
    });
    assert_eq!(report.peak, 50_000);
    if let Some(per_task) = report.resident_per_task() {
        // A task is a few hundred bytes; a thread's stack alone is pages of 4 KiB. (Other tests
        // of the binary allocate meanwhile: 50,000 tasks make their share small.)
        assert!(per_task < 4096, "{per_task} bytes a task");
    }
}
