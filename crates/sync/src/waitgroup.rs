//! `WaitGroup`: wait for a set of threads to finish, with Go's semantics (seed 5.6).
//!
//! Go's `sync.WaitGroup` is a counter: `Add(n)` raises it, `Done()` lowers it, `Wait()` blocks
//! until it is zero. [`WaitGroup`] is the same, plus [`WaitGroup::go`], which counts a thread in
//! and out for you, even when it panics. crossbeam has a different design, shown in this step:
//! its `WaitGroup` is counted by its clones, and a clone dropped is a task done.

use crate::shim::{Condvar, Mutex, thread};
use chanlab_common::Cx;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

// ANCHOR: waitgroup
/// A counter of unfinished tasks that threads can wait on, like Go's `sync.WaitGroup`.
///
/// [`add`](WaitGroup::add) raises the counter, [`done`](WaitGroup::done) lowers it by one, and
/// [`wait`](WaitGroup::wait) blocks until it comes down to zero. Clones share one counter, so each
/// thread can hold its own.
///
/// ```
/// use chanlab_sync::WaitGroup;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// let wg = WaitGroup::new();
/// let finished = Arc::new(AtomicUsize::new(0));
/// for _ in 0..5 {
///     wg.add(1); // Go: wg.Add(1)
///     let (wg, finished) = (wg.clone(), finished.clone());
///     std::thread::spawn(move || {
///         finished.fetch_add(1, Ordering::Relaxed);
///         wg.done(); // Go: defer wg.Done()
///     });
/// }
/// wg.wait(); // Go: wg.Wait()
/// assert_eq!(finished.load(Ordering::Relaxed), 5);
/// ```
///
/// [`go`](WaitGroup::go) does the `add(1)`, the spawn and the `done()` in one call; the task is
/// done even if it panics, and its `JoinHandle` carries the panic:
///
/// ```
/// let wg = chanlab_sync::WaitGroup::new();
/// let ok = wg.go(|| 6 * 7);
/// let failed = wg.go(|| -> i32 { panic!("task failed") });
/// wg.wait(); // returns although one task panicked
/// assert_eq!(ok.join().unwrap(), 42);
/// assert!(failed.join().is_err());
/// ```
///
/// As in Go, calling `done` more often than `add` is a bug, and panics:
///
/// ```should_panic
/// let wg = chanlab_sync::WaitGroup::new();
/// wg.add(1);
/// wg.done();
/// wg.done(); // panics: sync: negative WaitGroup counter
/// ```
#[derive(Clone)]
pub struct WaitGroup {
    inner: Arc<Inner>,
}

struct Inner {
    /// Tasks added and not yet done.
    count: Mutex<usize>,
    /// Notified each time the counter comes down to zero.
    zero: Condvar,
}

impl WaitGroup {
    /// A wait group with a counter of zero.
    pub fn new() -> WaitGroup {
        WaitGroup {
            inner: Arc::new(Inner {
                count: Mutex::new(0),
                zero: Condvar::new(),
            }),
        }
    }

    /// Adds `n` tasks to the counter. Call it before starting the tasks, not inside them, or
    /// `wait` may see zero before they have begun. As in Go, to reuse a group for a next round,
    /// add to it only after the waits of the last round have returned.
    ///
    /// # Panics
    /// If the counter would overflow `usize`.
    pub fn add(&self, n: usize) {
        let mut count = self.inner.count.lock();
        *count = count
            .checked_add(n)
            .expect("sync: WaitGroup counter overflow");
    }

    /// Marks one task done, waking every waiter when it was the last.
    ///
    /// # Panics
    /// With "sync: negative WaitGroup counter" when the counter is already zero: more `done`s than
    /// `add`s is a bug, and Go panics the same way.
    pub fn done(&self) {
        let mut count = self.inner.count.lock();
        let Some(left) = count.checked_sub(1) else {
            drop(count);
            panic!("sync: negative WaitGroup counter");
        };
        *count = left;
        if left == 0 {
            self.inner.zero.notify_all();
        }
    }

    /// Blocks until the counter comes down to zero; returns at once if it is zero.
    pub fn wait(&self) {
        let mut count = self.inner.count.lock();
        // A loop, not an `if`: a condition variable may wake a thread for no reason.
        while *count > 0 {
            count = self.inner.zero.wait(count);
        }
    }

    /// Runs `f` on a new thread counted by this group: `add(1)` now, `done()` when `f` returns or
    /// panics. The handle gives `f`'s result, or its panic, to whoever joins it.
    pub fn go<F, T>(&self, f: F) -> thread::JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        thread::spawn(self.task(f))
    }

    /// `go` without the spawn: counts one task in now, and returns `f` wrapped to count it out
    /// when it returns or unwinds. (The loom models run it on loom's threads.)
    fn task<F, T>(&self, f: F) -> impl FnOnce() -> T + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.add(1);
        let done = DoneOnDrop(self.clone());
        move || {
            let _done = done;
            f()
        }
    }
}

/// Marks one task done when dropped, so a task that panics is still counted out, as Go's
/// `defer wg.Done()` would.
struct DoneOnDrop(WaitGroup);

impl Drop for DoneOnDrop {
    fn drop(&mut self) {
        self.0.done();
    }
}
// ANCHOR_END: waitgroup

impl Default for WaitGroup {
    fn default() -> WaitGroup {
        WaitGroup::new()
    }
}

// A panic cannot leave the counter half-updated: `done` panics before changing it.
impl std::panic::RefUnwindSafe for WaitGroup {}
impl std::panic::UnwindSafe for WaitGroup {}

impl fmt::Debug for WaitGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = *self.inner.count.lock();
        f.debug_struct("WaitGroup").field("count", &count).finish()
    }
}

/// The seed's five workers, waited for with [`WaitGroup`]; then [`WaitGroup::go`] with a task that
/// panics; then crossbeam's drop-based `WaitGroup`, and when to prefer each.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: workers
    let wg = WaitGroup::new();
    for id in 0..5 {
        wg.add(1); // Go: wg.Add(1), before the thread starts
        let (wg, cx) = (wg.clone(), cx.clone());
        std::thread::spawn(move || {
            cx.say(format!("Worker {id} starting"));
            cx.sleep(Duration::from_secs(1));
            cx.say(format!("Worker {id} done"));
            wg.done(); // Go: defer wg.Done(); a panic above would skip it: `go` does not
        });
    }
    wg.wait(); // Go: wg.Wait()
    cx.say(format!(
        "All workers completed after {:.1}s: the five slept at the same time",
        cx.lesson_elapsed().as_secs_f64()
    ));
    // ANCHOR_END: workers

    cx.say("go(): three tasks; task 2 panics, and Rust prints its message on stderr");
    // ANCHOR: go
    let wg = WaitGroup::new();
    let tasks: Vec<_> = (1..=3)
        .map(|n| {
            let cx = cx.clone();
            wg.go(move || {
                cx.sleep(Duration::from_millis(100 * n));
                if n == 2 {
                    panic!("task 2 failed");
                }
                n * 10
            })
        })
        .collect();
    wg.wait(); // returns although task 2 panicked: its done() ran as it unwound
    cx.say("go(): wait returned; every task is counted out, even the one that panicked");
    for (n, task) in (1..).zip(tasks) {
        match task.join() {
            Ok(value) => cx.say(format!("task {n} returned {value}")),
            Err(_) => cx.say(format!("task {n} panicked; its JoinHandle says so")),
        }
    }
    // ANCHOR_END: go

    // ANCHOR: crossbeam
    let wg = crossbeam::sync::WaitGroup::new();
    for id in 0..3 {
        let wg = wg.clone(); // a clone per task is its add(1)...
        let cx = cx.clone();
        std::thread::spawn(move || {
            cx.sleep(Duration::from_millis(100));
            cx.say(format!("crossbeam worker {id} done"));
            drop(wg); // ...and dropping it is its done(), even when unwinding
        });
    }
    wg.wait(); // consumes our own clone, then waits for the others
    cx.say("crossbeam: every clone dropped");
    // ANCHOR_END: crossbeam
    cx.say(
        "prefer crossbeam's when each task can own a clone: its done() cannot be forgotten or \
         doubled; prefer this WaitGroup when the count lives apart from the tasks (add(n) up \
         front, done() wherever the work ends), to wait again for a next round (crossbeam's wait \
         consumes the group), and when porting Go",
    );
    Ok(())
}

/// Loom models: each runs a few threads through every interleaving loom can find, up to
/// `LOOM_MAX_PREEMPTIONS` preemptions. A wait that misses the last `done` leaves a thread blocked
/// forever, which loom reports as a deadlock.
#[cfg(all(test, loom))]
mod models {
    use super::WaitGroup;
    use crate::shim::{Condvar, Mutex};
    use loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use loom::thread;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::Arc; // not loom's: see the shim

    /// What the models need of a wait group, so the same model checks the real one and a broken one.
    trait Group: Clone + Send + Sync + 'static {
        fn new() -> Self;
        fn add(&self, n: usize);
        fn done(&self);
        fn wait(&self);
    }

    impl Group for WaitGroup {
        fn new() -> Self {
            WaitGroup::new()
        }
        fn add(&self, n: usize) {
            WaitGroup::add(self, n);
        }
        fn done(&self) {
            WaitGroup::done(self);
        }
        fn wait(&self) {
            WaitGroup::wait(self);
        }
    }

    /// A deliberately broken wait group: `wait` checks the counter and waits in two separate
    /// critical sections, so the last `done` can notify in between, before anyone is waiting.
    /// It stays here to prove the model below can fail.
    #[derive(Clone)]
    struct MissesLastDone(Arc<(Mutex<usize>, Condvar)>);

    impl Group for MissesLastDone {
        fn new() -> Self {
            MissesLastDone(Arc::new((Mutex::new(0), Condvar::new())))
        }
        fn add(&self, n: usize) {
            *self.0.0.lock() += n;
        }
        fn done(&self) {
            let mut count = self.0.0.lock();
            *count -= 1;
            if *count == 0 {
                self.0.1.notify_all();
            }
        }
        fn wait(&self) {
            let busy = *self.0.0.lock() > 0;
            // The bug: the lock was let go after the check; the last done() may run right here.
            if busy {
                drop(self.0.1.wait(self.0.0.lock()));
            }
        }
    }

    /// Two workers each do their work and `done()`; `wait()` must return, and only after both.
    fn wait_sees_every_done<G: Group>() {
        loom::model(|| {
            let wg = G::new();
            let finished = Arc::new(AtomicUsize::new(0));
            wg.add(2);
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let (wg, finished) = (wg.clone(), finished.clone());
                    thread::spawn(move || {
                        finished.fetch_add(1, Relaxed);
                        wg.done();
                    })
                })
                .collect();
            wg.wait();
            // Relaxed on purpose: only the wait group orders these loads after the workers.
            assert_eq!(finished.load(Relaxed), 2, "wait returned before every done");
            workers.into_iter().for_each(|w| w.join().unwrap());
        });
    }

    #[test]
    fn wait_returns_only_after_every_done() {
        wait_sees_every_done::<WaitGroup>();
    }

    #[test]
    #[should_panic(expected = "deadlock")]
    fn the_model_catches_a_wait_that_can_miss_the_last_done() {
        wait_sees_every_done::<MissesLastDone>();
    }

    #[test]
    fn every_waiter_wakes() {
        loom::model(|| {
            let wg = WaitGroup::new();
            wg.add(1);
            let waiter = {
                let wg = wg.clone();
                thread::spawn(move || wg.wait())
            };
            let worker = {
                let wg = wg.clone();
                thread::spawn(move || wg.done())
            };
            wg.wait();
            waiter.join().unwrap();
            worker.join().unwrap();
        });
    }

    const TASK_PANIC: &str = "a task panics, as the model intends";

    /// Keeps the panics the model provokes (one per interleaving) out of the test output.
    fn quiet_task_panics() {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if info.payload().downcast_ref::<&str>() != Some(&TASK_PANIC) {
                    default(info);
                }
            }));
        });
    }

    #[test]
    fn go_counts_out_a_task_that_panics() {
        quiet_task_panics();
        loom::model(|| {
            let wg = WaitGroup::new();
            // What go() spawns. Loom turns a panic that leaves a thread into a failed model
            // (tokio-rs/loom#417), so the thread catches it, after the task's done() has run.
            let task = wg.task(|| -> () { std::panic::panic_any(TASK_PANIC) });
            let thread = thread::spawn(move || catch_unwind(AssertUnwindSafe(task)).is_err());
            wg.wait();
            assert!(thread.join().unwrap(), "the task did not panic");
        });
    }
}
