//! Tests of the `errgroup` step and `ErrGroup`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use chanlab_patterns::{Context, ContextError, ErrGroup, errgroup};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread;
use std::time::Duration;

#[test]
fn the_step_returns_the_failure_not_the_cancellation_it_caused() {
    let t = run_step(errgroup::run, 0.1);
    for line in [
        "b.txt: server error",
        "wait returned the first error: b.txt: 503 Service Unavailable",
        "a group where nothing fails: Ok(())",
    ] {
        assert!(t.contains(line), "missing {line:?}:\n{t}");
    }
    // On a loaded machine a download may be late enough to be cancelled too; either way, a
    // cancelled task stops only after the failure that cancelled it.
    let failed = t.position("b.txt: server error").unwrap();
    for name in ["a.txt", "c.txt"] {
        let line = t
            .find(&format!("{name}: "))
            .unwrap_or_else(|| panic!("no {name}:\n{t}"));
        if line.text.contains("stopped") {
            assert!(line.text.ends_with("context canceled"), "{t}");
            assert!(
                t.position(&format!("{name}: stopped")).unwrap() > failed,
                "{t}"
            );
        } else {
            assert!(line.text.contains("downloaded"), "{t}");
        }
    }
}

#[test]
fn wait_returns_the_first_error_whichever_task_returned_it() {
    for _ in 0..20 {
        let outcome = no_threads_left(STEP_DEADLINE, || {
            let (mut group, ctx) = ErrGroup::with_context(&Context::background());
            for i in 1..=4 {
                let ctx = ctx.clone();
                group.spawn(move || {
                    let _ = ctx.done().recv(); // fails only after the group is cancelled
                    Err(format!("later error from task {i}"))
                });
            }
            group.spawn(|| Err("the first error".to_owned())); // spawned last, fails first
            group.wait()
        });
        assert_eq!(outcome, Err("the first error".to_owned()));
    }
}

#[test]
fn the_first_error_cancels_the_groups_context() {
    let seen = no_threads_left(STEP_DEADLINE, || {
        let (mut group, ctx) = ErrGroup::<&str>::with_context(&Context::background());
        let watcher = ctx.clone();
        group.spawn(move || {
            let _ = watcher.done().recv();
            assert_eq!(watcher.err(), Some(ContextError::Canceled));
            Ok(())
        });
        group.spawn(|| {
            thread::sleep(Duration::from_millis(10));
            Err("boom")
        });
        let outcome = group.wait();
        (outcome, ctx.err())
    });
    assert_eq!(seen, (Err("boom"), Some(ContextError::Canceled)));
}

#[test]
fn a_group_where_every_task_succeeds_is_ok_and_its_context_ends_with_wait() {
    no_threads_left(STEP_DEADLINE, || {
        let (mut group, ctx) = ErrGroup::<String>::with_context(&Context::background());
        for ms in [1, 5, 10] {
            group.spawn(move || {
                thread::sleep(Duration::from_millis(ms));
                Ok(())
            });
        }
        assert_eq!(ctx.err(), None, "nothing failed: the context runs");
        assert_eq!(group.wait(), Ok(()));
        assert_eq!(
            ctx.err(),
            Some(ContextError::Canceled),
            "Go's Wait cancels the context"
        );
    });
}

#[test]
fn a_group_without_context_still_keeps_the_first_error() {
    let outcome = no_threads_left(STEP_DEADLINE, || {
        let (tx, rx) = crossbeam_channel::bounded::<()>(0);
        let mut group = ErrGroup::new();
        group.spawn(move || {
            drop(tx); // lets the other task go on once this error is about to be kept
            Err(1)
        });
        group.spawn(move || {
            let _ = rx.recv();
            thread::sleep(Duration::from_millis(20));
            Err(2)
        });
        group.wait()
    });
    assert_eq!(outcome, Err(1));
}

#[test]
fn a_cancelled_parent_cancels_the_group() {
    no_threads_left(STEP_DEADLINE, || {
        let (parent, cancel) = Context::with_cancel(&Context::background());
        let (mut group, ctx) = ErrGroup::with_context(&parent);
        group.spawn(move || {
            let _ = ctx.done().recv();
            Err(ctx.err())
        });
        cancel.cancel();
        assert_eq!(group.wait(), Err(Some(ContextError::Canceled)));
    });
}

#[test]
fn a_panicking_task_cancels_the_others_and_wait_passes_the_panic_on() {
    let caught = no_threads_left(STEP_DEADLINE, || {
        let (mut group, ctx) = ErrGroup::<()>::with_context(&Context::background());
        group.spawn(move || {
            let _ = ctx.done().recv(); // would hang if the panic did not cancel the group
            Ok(())
        });
        group.spawn(|| panic!("task panicked"));
        catch_unwind(AssertUnwindSafe(|| group.wait()))
    });
    let payload = caught.expect_err("wait must pass the panic on");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"task panicked"));
}

#[test]
fn dropping_a_group_cancels_and_joins_its_tasks() {
    no_threads_left(STEP_DEADLINE, || {
        let (mut group, ctx) = ErrGroup::<()>::with_context(&Context::background());
        let watcher = ctx.clone();
        group.spawn(move || {
            let _ = watcher.done().recv();
            Ok(())
        });
        drop(group);
        assert_eq!(ctx.err(), Some(ContextError::Canceled));
    });
}
