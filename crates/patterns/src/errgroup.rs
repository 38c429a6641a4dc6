//! errgroup: run tasks on threads, wait for all of them, keep the first error, and cancel the
//! others when it comes (section 5.8; Go's `golang.org/x/sync/errgroup`).

use crate::context::{CancelFn, Context};
use chanlab_sync::shim::Mutex;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
#[cfg(feature = "lesson")]
use {
    crate::context::ContextError,
    chanlab_common::Cx,
    crossbeam_channel::{after, select},
    std::time::Duration,
};

// ANCHOR: errgroup
/// A group of tasks, each on its own thread, whose [`wait`](ErrGroup::wait) returns the first
/// error any of them returned.
///
/// Made by [`ErrGroup::with_context`], the group also owns a context that ends when the first
/// task fails (or when `wait` returns), so the other tasks can stop early.
///
/// ```
/// use chanlab_patterns::{Context, ErrGroup};
///
/// let (mut group, ctx) = ErrGroup::with_context(&Context::background());
/// group.spawn(|| Err("first"));
/// group.spawn(move || {
///     let _ = ctx.done().recv(); // waits until the other task's error cancels the group
///     Err("second")
/// });
/// assert_eq!(group.wait(), Err("first"));
/// ```
///
/// A panic in a task cancels the group too, and `wait` passes it on once every task has ended.
/// Dropping a group without calling `wait` cancels its context and waits for its tasks.
pub struct ErrGroup<E> {
    shared: Arc<Shared<E>>,
    tasks: Vec<JoinHandle<()>>,
}

struct Shared<E> {
    first: Mutex<Option<E>>,
    cancel: Option<CancelFn>,
}

impl<E: Send + 'static> ErrGroup<E> {
    /// A group with no context: Go's zero `errgroup.Group`.
    pub fn new() -> ErrGroup<E> {
        ErrGroup::with_cancel(None)
    }

    /// A group, and a child of `parent` that ends when a task fails or `wait` returns.
    pub fn with_context(parent: &Context) -> (ErrGroup<E>, Context) {
        let (ctx, cancel) = Context::with_cancel(parent);
        (ErrGroup::with_cancel(Some(cancel)), ctx)
    }

    fn with_cancel(cancel: Option<CancelFn>) -> ErrGroup<E> {
        ErrGroup {
            shared: Arc::new(Shared {
                first: Mutex::new(None),
                cancel,
            }),
            tasks: Vec::new(),
        }
    }

    /// Runs `task` on a new thread, named `task 1`, `task 2`… in order of spawning.
    ///
    /// # Panics
    ///
    /// If the operating system cannot start a thread, as [`thread::spawn`] does.
    pub fn spawn<F>(&mut self, task: F)
    where
        F: FnOnce() -> Result<(), E> + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        let thread = thread::Builder::new()
            .name(format!("task {}", self.tasks.len() + 1))
            .spawn(move || match catch_unwind(AssertUnwindSafe(task)) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => shared.fail(e),
                Err(panic) => {
                    shared.cancel(); // the others must not wait for a task that is gone
                    resume_unwind(panic); // `wait` gets it from the join
                }
            })
            .expect("the operating system could not start a thread");
        self.tasks.push(thread);
    }

    /// Waits for every task, then returns the first error one of them returned, if any.
    ///
    /// # Panics
    ///
    /// If a task panicked, with that task's panic, once every task has ended.
    pub fn wait(mut self) -> Result<(), E> {
        let mut panic = None;
        for task in self.tasks.drain(..) {
            if let Err(payload) = task.join() {
                panic.get_or_insert(payload);
            }
        }
        self.shared.cancel(); // Go: Wait cancels the group's context
        if let Some(payload) = panic {
            resume_unwind(payload);
        }
        match self.shared.first.lock().take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl<E> Shared<E> {
    /// Keeps `e` if it is the first error, and cancels the group.
    fn fail(&self, e: E) {
        {
            let mut first = self.first.lock();
            if first.is_none() {
                *first = Some(e);
            }
        }
        self.cancel();
    }

    fn cancel(&self) {
        if let Some(cancel) = &self.cancel {
            cancel.cancel();
        }
    }
}
// ANCHOR_END: errgroup

impl<E: Send + 'static> Default for ErrGroup<E> {
    fn default() -> ErrGroup<E> {
        ErrGroup::new()
    }
}

impl<E> Drop for ErrGroup<E> {
    fn drop(&mut self) {
        self.shared.cancel();
        for task in self.tasks.drain(..) {
            let _ = task.join(); // a panic was already printed; drop must not panic again
        }
    }
}

impl<E> std::fmt::Debug for ErrGroup<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErrGroup")
            .field("tasks", &self.tasks.len())
            .finish_non_exhaustive()
    }
}

/// Sleeps for `d` of lesson time unless `ctx` ends first, which is an error.
#[cfg(feature = "lesson")]
fn work(cx: &Cx, ctx: &Context, d: Duration) -> Result<(), ContextError> {
    select! {
        recv(after(cx.scaled(d))) -> _ => Ok(()),
        recv(ctx.done()) -> _ => Err(ctx.err().unwrap_or(ContextError::Canceled)),
    }
}

/// Three downloads in a group: one fails at 0.5s, which cancels the slow one; `wait` returns the
/// failure, not the cancellation it caused. Then a group where every task succeeds.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: run
    let (mut group, ctx) = ErrGroup::<String>::with_context(&Context::background());
    for (name, seconds, fails) in [
        ("a.txt", 0.3, false),
        ("b.txt", 0.5, true),
        ("c.txt", 2.0, false),
    ] {
        let (ctx, cx) = (ctx.clone(), cx.clone());
        group.spawn(move || {
            let at = || cx.secs_since_start();
            match work(&cx, &ctx, Duration::from_secs_f64(seconds)) {
                Ok(()) if fails => {
                    cx.say(format!("{name}: server error at {:.1}", at()));
                    Err(format!("{name}: 503 Service Unavailable"))
                }
                Ok(()) => {
                    cx.say(format!("{name}: downloaded at {:.1}", at()));
                    Ok(())
                }
                Err(e) => {
                    cx.say(format!("{name}: stopped at {:.1}: {e}", at()));
                    Err(format!("{name}: {e}"))
                }
            }
        });
    }
    let outcome = group.wait();
    // ANCHOR_END: run
    match outcome {
        Ok(()) => cx.say("wait: every download succeeded (a bug: b.txt fails)"),
        Err(e) => cx.say(format!("wait returned the first error: {e}")),
    }

    let (mut group, _ctx) = ErrGroup::<String>::with_context(&Context::background());
    for seconds in [0.1, 0.2, 0.3] {
        let cx = cx.clone();
        group.spawn(move || {
            cx.sleep(Duration::from_secs_f64(seconds));
            Ok(())
        });
    }
    cx.say(format!("a group where nothing fails: {:?}", group.wait()));
    Ok(())
}

/// Loom model: two tasks fail at once while a third watches the group's context. The group keeps
/// exactly one of the two errors, and the watcher never sees the context end without an error.
#[cfg(all(test, chanlab_loom))]
mod models {
    use super::*;
    use crossbeam_channel::TryRecvError;
    use loom::thread;

    #[test]
    fn two_failures_at_once_keep_one_and_cancel_the_group() {
        loom::model(|| {
            let (group, ctx) = ErrGroup::<u8>::with_context(&Context::background());
            let failers: Vec<_> = [1, 2]
                .into_iter()
                .map(|e| {
                    let shared = Arc::clone(&group.shared);
                    thread::spawn(move || shared.fail(e))
                })
                .collect();
            let watcher = {
                let ctx = ctx.clone();
                thread::spawn(move || {
                    if ctx.done().try_recv() == Err(TryRecvError::Disconnected) {
                        assert_eq!(ctx.err(), Some(ContextError::Canceled), "done before err");
                    }
                })
            };
            failers.into_iter().for_each(|t| t.join().unwrap());
            watcher.join().unwrap();
            assert_eq!(
                ctx.err(),
                Some(ContextError::Canceled),
                "the group was not cancelled"
            );
            let first = group.shared.first.lock().take();
            assert!(matches!(first, Some(1 | 2)), "kept {first:?}");
        });
    }
}
