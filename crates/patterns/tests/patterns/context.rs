//! Tests of the `context` step and `Context`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step, within};
use chanlab_patterns::context;
use chanlab_patterns::{CancelFn, Context, ContextError};
use crossbeam_channel::{Receiver, RecvTimeoutError, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

const HOUR: Duration = Duration::from_secs(3600);

fn ended(done: &Receiver<()>) -> bool {
    done.try_recv() == Err(TryRecvError::Disconnected)
}

#[test]
fn the_step_times_out_cancels_and_stops_every_pipeline_stage() {
    // The 2 s timeout comes 1 s before the 3 s work ends: 250 ms at this pace, far above a stall.
    let pace = 0.25;
    let t = run_step(context::run, pace);
    let timed_out = t
        .find("work cancelled: context deadline exceeded, after ")
        .unwrap_or_else(|| panic!("the 2 s timeout did not cancel the 3 s work:\n{t}"));
    assert!(timed_out.at >= Duration::from_secs(2).mul_f64(pace), "{t}");
    for line in [
        "cancelled by another thread: Some(Canceled)",
        "parent cancelled: child Some(Canceled), grandchild Some(Canceled), unrelated None",
        "with Some(DeadlineExceeded)",
        "all three stage threads have exited",
    ] {
        assert!(t.contains(line), "missing {line:?}:\n{t}");
    }
    for stage in ["source", "square", "print"] {
        let exit = t
            .find(&format!("stage {stage} exits: context deadline exceeded"))
            .unwrap_or_else(|| panic!("stage {stage} did not report its exit:\n{t}"));
        assert_eq!(exit.thread, stage, "{t}");
    }
    assert!(
        t.position("all three").unwrap() == t.events.len() - 1,
        "{t}"
    );
}

#[test]
fn background_never_ends() {
    within(STEP_DEADLINE, || {
        let bg = Context::background();
        assert_eq!(bg.err(), None);
        assert_eq!(bg.deadline(), None);
        assert_eq!(
            bg.done().recv_timeout(Duration::from_millis(20)),
            Err(RecvTimeoutError::Timeout)
        );
    });
}

/// A tree under `root`: three children (cancel, timeout, deadline), each with two grandchildren.
fn tree(root: &Context) -> (Vec<Context>, Vec<CancelFn>) {
    let (mut contexts, mut cancels) = (Vec::new(), Vec::new());
    let far = Instant::now() + HOUR;
    let children = [
        Context::with_cancel(root),
        Context::with_timeout(root, HOUR),
        Context::with_deadline(root, far),
    ];
    for (child, cancel) in children {
        for (grandchild, cancel) in [
            Context::with_cancel(&child),
            Context::with_timeout(&child, HOUR),
        ] {
            contexts.push(grandchild);
            cancels.push(cancel);
        }
        contexts.push(child);
        cancels.push(cancel);
    }
    (contexts, cancels)
}

#[test]
fn cancelling_a_parent_ends_every_descendant_at_once() {
    for _ in 0..20 {
        no_threads_left(STEP_DEADLINE, || {
            let (root, cancel) = Context::with_cancel(&Context::background());
            let (unrelated, _keep) = Context::with_timeout(&Context::background(), HOUR);
            let (descendants, _cancels) = tree(&root);
            assert!(descendants.iter().all(|c| c.err().is_none()));
            cancel.cancel();
            for c in &descendants {
                // No waiting: the descendant must already be over when cancel returns.
                assert!(ended(&c.done()), "a child outlived its parent: {c:?}");
                assert_eq!(c.err(), Some(ContextError::Canceled));
            }
            assert_eq!(
                unrelated.err(),
                None,
                "cancel leaked to an unrelated context"
            );
        });
    }
}

#[test]
fn a_parent_deadline_ends_every_descendant_with_deadline_exceeded() {
    no_threads_left(STEP_DEADLINE, || {
        let (root, _cancel) =
            Context::with_timeout(&Context::background(), Duration::from_millis(30));
        let (descendants, _cancels) = tree(&root);
        for c in &descendants {
            // As in Go, the timer thread ends the root first, then its descendants: wait for each.
            let _ = c.done().recv();
            assert_eq!(c.err(), Some(ContextError::DeadlineExceeded));
            assert_eq!(
                c.deadline(),
                root.deadline(),
                "the parent's earlier deadline wins"
            );
        }
    });
}

#[test]
fn cancelling_a_child_leaves_its_parent_running() {
    within(STEP_DEADLINE, || {
        let (parent, _cancel) = Context::with_cancel(&Context::background());
        let (child, cancel_child) = Context::with_cancel(&parent);
        drop(cancel_child); // dropping cancels
        assert_eq!(child.err(), Some(ContextError::Canceled));
        assert_eq!(parent.err(), None);
    });
}

#[test]
fn a_child_of_an_ended_parent_is_born_ended() {
    within(STEP_DEADLINE, || {
        let (parent, cancel) = Context::with_cancel(&Context::background());
        cancel.cancel();
        let (child, _c) = Context::with_timeout(&parent, HOUR);
        assert!(ended(&child.done()));
        assert_eq!(child.err(), Some(ContextError::Canceled));
    });
}

#[test]
fn a_timeout_ends_the_context_after_its_duration() {
    let (waited, err) = no_threads_left(STEP_DEADLINE, || {
        let start = Instant::now();
        let (ctx, _cancel) =
            Context::with_timeout(&Context::background(), Duration::from_millis(40));
        assert_eq!(ctx.err(), None);
        let _ = ctx.done().recv();
        (start.elapsed(), ctx.err())
    });
    assert!(
        waited >= Duration::from_millis(40),
        "ended after {waited:?}"
    );
    assert_eq!(err, Some(ContextError::DeadlineExceeded));
}

#[test]
fn deadlines_fire_in_time_order_whatever_the_order_they_were_set() {
    no_threads_left(STEP_DEADLINE, || {
        let start = Instant::now();
        let contexts: Vec<(u64, Context, CancelFn)> = [90u64, 10, 50]
            .into_iter()
            .map(|ms| {
                let (ctx, cancel) = Context::with_deadline(
                    &Context::background(),
                    start + Duration::from_millis(ms),
                );
                (ms, ctx, cancel)
            })
            .collect();
        for (ms, ctx, _) in &contexts {
            let _ = ctx.done().recv();
            assert!(
                start.elapsed() >= Duration::from_millis(*ms),
                "{ms} ms deadline fired early"
            );
            assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
        }
    });
}

#[test]
fn a_passed_deadline_ends_the_context_at_once() {
    within(STEP_DEADLINE, || {
        let (ctx, _c) = Context::with_deadline(&Context::background(), Instant::now());
        assert!(ended(&ctx.done()));
        assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
        let (now, _c) = Context::with_timeout(&Context::background(), Duration::ZERO);
        assert!(ended(&now.done()));
        assert_eq!(now.err(), Some(ContextError::DeadlineExceeded));
        let (never, _c) = Context::with_timeout(&Context::background(), Duration::MAX);
        assert_eq!((never.err(), never.deadline()), (None, None));
    });
}

#[test]
fn a_context_ends_once_and_its_error_never_changes() {
    within(STEP_DEADLINE, || {
        let (ctx, cancel) = Context::with_timeout(&Context::background(), Duration::from_millis(5));
        let _ = ctx.done().recv();
        cancel.cancel();
        assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));

        // A deadline far enough off that a loaded machine cannot reach it before the cancel.
        let (ctx, cancel) =
            Context::with_timeout(&Context::background(), Duration::from_millis(300));
        cancel.cancel();
        thread::sleep(Duration::from_millis(350));
        assert_eq!(
            ctx.err(),
            Some(ContextError::Canceled),
            "the deadline overwrote the cancel"
        );
    });
}

#[test]
fn cancel_racing_the_deadline_ends_the_context_exactly_once() {
    for round in 0..200 {
        no_threads_left(STEP_DEADLINE, move || {
            let deadline = Instant::now() + Duration::from_micros(round % 50 * 20);
            let (ctx, cancel) = Context::with_deadline(&Context::background(), deadline);
            let (child, _c) = Context::with_cancel(&ctx);
            let cancelled = thread::spawn(move || cancel.cancel());
            let _ = child.done().recv();
            let seen = child.err();
            assert!(seen.is_some(), "done before err was set");
            cancelled.join().unwrap();
            thread::sleep(Duration::from_micros(500));
            assert_eq!(child.err(), seen, "the child's error changed");
            assert_eq!(ctx.err(), seen, "parent and child disagree");
        });
    }
}

#[test]
fn err_is_set_when_a_waiter_wakes() {
    for _ in 0..200 {
        within(STEP_DEADLINE, || {
            let (ctx, cancel) = Context::with_cancel(&Context::background());
            let waiter = {
                let ctx = ctx.clone();
                thread::spawn(move || {
                    let _ = ctx.done().recv();
                    ctx.err()
                })
            };
            cancel.cancel();
            assert_eq!(waiter.join().unwrap(), Some(ContextError::Canceled));
        });
    }
}

/// How many of this process's threads are called `name`, where `/proc` tells.
fn threads_named(name: &str) -> Option<usize> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|comm| comm.trim_end() == name)
            .count(),
    )
}

#[test]
fn one_timer_thread_serves_every_deadline_and_leaves_with_the_last() {
    no_threads_left(STEP_DEADLINE, || {
        let contexts: Vec<_> = (0..200)
            .map(|i| Context::with_timeout(&Context::background(), HOUR + Duration::from_millis(i)))
            .collect();
        // The timer thread names itself once it runs, which on a busy machine takes a moment.
        let give_up = Instant::now() + Duration::from_secs(2);
        while let Some(timers) = threads_named("context timer") {
            assert!(timers <= 1, "{timers} timer threads for 200 deadlines");
            if timers == 1 || Instant::now() > give_up {
                assert_eq!(timers, 1, "no timer thread for 200 deadlines");
                break;
            }
            thread::sleep(Duration::from_millis(1));
        }
        drop(contexts); // each CancelFn cancels, and takes its deadline off the timer's list
    });
}

#[test]
fn ending_a_parent_takes_its_childrens_deadlines_off_the_timer() {
    // no_threads_left fails naming "context timer" if the child's deadline kept it running.
    no_threads_left(STEP_DEADLINE, || {
        let (parent, cancel) = Context::with_cancel(&Context::background());
        let (child, _child_cancel) = Context::with_timeout(&parent, HOUR);
        cancel.cancel();
        assert_eq!(child.err(), Some(ContextError::Canceled));
        // Dropping `_child_cancel` next does nothing: the child has already ended.
    });
}

#[test]
fn done_works_inside_select() {
    within(STEP_DEADLINE, || {
        let (ctx, _cancel) =
            Context::with_timeout(&Context::background(), Duration::from_millis(20));
        let (_tx, never_answers) = crossbeam_channel::bounded::<()>(0);
        let woke = crossbeam_channel::select! {
            recv(never_answers) -> _ => "work",
            recv(ctx.done()) -> _ => "done",
        };
        assert_eq!(woke, "done");
    });
}

/// The stack a test thread gets by default: Rust's 2 MiB.
const DEFAULT_STACK: usize = 2 << 20;

#[test]
fn a_chain_100_000_deep_cancels_from_the_root_and_drops_on_a_default_stack() {
    within(STEP_DEADLINE, || {
        let on_default_stack = thread::Builder::new().stack_size(DEFAULT_STACK);
        let chain = on_default_stack.spawn(|| {
            let (root, cancel_root) = Context::with_cancel(&Context::background());
            let mut cancels = Vec::with_capacity(100_000);
            let mut leaf = root.clone();
            for _ in 1..100_000 {
                let (child, cancel) = Context::with_cancel(&leaf);
                cancels.push(cancel);
                leaf = child;
            }
            cancel_root.cancel();
            assert!(ended(&leaf.done()), "the leaf outlived the root");
            assert_eq!(leaf.err(), Some(ContextError::Canceled));
            // The leaf holds the whole chain: dropping it last frees every level at once.
            drop((root, cancel_root, cancels));
            drop(leaf);
        });
        chain.unwrap().join().expect("the deep chain failed");
    });
}

#[test]
fn err_is_none_whenever_done_is_open_during_a_large_cancel() {
    within(STEP_DEADLINE, || {
        let (parent, cancel) = Context::with_cancel(&Context::background());
        let children: Vec<_> = (0..20_000).map(|_| Context::with_cancel(&parent)).collect();
        let watched = [
            parent.clone(),
            children[0].0.clone(),
            children[19_999].0.clone(),
        ];
        let (watching, started) = crossbeam_channel::bounded(0);
        let watcher = thread::spawn(move || {
            let _ = watching.send(());
            let mut seen_ended = [false; 3];
            while !seen_ended.iter().all(|&s| s) {
                for (ctx, seen) in watched.iter().zip(&mut seen_ended) {
                    // err first, then done: a set error means done has already disconnected.
                    if ctx.err().is_some() {
                        assert!(
                            ended(&ctx.done()),
                            "err() was set while done() was still open"
                        );
                        *seen = true;
                    }
                }
            }
        });
        started.recv().unwrap();
        cancel.cancel();
        watcher.join().expect("the watcher saw err before done");
        drop(children);
    });
}
