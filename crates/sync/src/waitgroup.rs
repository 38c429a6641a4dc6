//! `WaitGroup`: wait for a set of threads to finish, with Go's semantics (section 5.6).
//!
//! Go's `sync.WaitGroup` is a counter: `Add(n)` raises it, `Done()` lowers it, `Wait()` blocks
//! until it is zero. [`WaitGroup`] is the same, plus [`WaitGroup::go`], which counts a thread in
//! and out for you, even when it panics. crossbeam has a different design, shown in this step:
//! its `WaitGroup` is counted by its clones, and a clone dropped is a task done.

use crate::shim::{AtomicUsize, Condvar, Mutex, thread};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
#[cfg(feature = "lesson")]
use {chanlab_common::Cx, std::time::Duration};

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
    /// The counter times [`ONE`], plus [`WAITING`] while a thread sleeps in `wait`. `add` and
    /// `done` change it with one atomic operation each and never wait for one another, as in
    /// Go, where the counter and its waiters share one atomic word too.
    state: AtomicUsize,
    /// How many times sleeping waiters have been woken. Taken only to sleep in `wait` and to
    /// wake the sleepers, never by `add` or `done` alone.
    wakeups: Mutex<u64>,
    /// Notified with every new wake-up.
    woken: Condvar,
}

/// One task in [`Inner::state`]: the counter sits above the [`WAITING`] bit.
const ONE: usize = 2;
/// Set in [`Inner::state`] once a thread has to sleep in `wait`: the `done` that brings the
/// counter to zero then wakes it. Without it, `done` takes no lock.
const WAITING: usize = 1;
/// The highest count. The counter's range above it is kept free, so that an `add` or `done` that
/// goes out of range can see it and take its change back before anything else mistakes it for a
/// count: up to twice this is an overflow in progress, above that a count below zero.
const MAX_COUNT: usize = usize::MAX >> 3;
/// `add(n)` up to this adds at once; a larger `n` checks for room first. Overflows in progress
/// could only add up to a wrap-around with more threads at once than a system can run (2^22,
/// Linux's limit).
const MAX_FAST_ADD: usize = MAX_COUNT >> 22;

/// The counter in a state, negative when the state has wrapped below zero (in a `done` too many,
/// until it is taken back).
fn count(state: usize) -> isize {
    (state as isize) >> 1
}

impl WaitGroup {
    /// A wait group with a counter of zero.
    pub fn new() -> WaitGroup {
        WaitGroup {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(0),
                wakeups: Mutex::new(0),
                woken: Condvar::new(),
            }),
        }
    }

    /// Adds `n` tasks to the counter. Call it before starting the tasks, not inside them, or
    /// `wait` may see zero before they have begun. As in Go, to reuse a group for a next round,
    /// add to it only after the waits of the last round have returned.
    ///
    /// # Panics
    /// With "sync: WaitGroup counter overflow", leaving the counter as it was, if it would go
    /// above `usize::MAX / 8`.
    pub fn add(&self, n: usize) {
        let state = &self.inner.state;
        if n <= MAX_FAST_ADD {
            let before = count(state.fetch_add(n * ONE, Relaxed));
            if before + n as isize > MAX_COUNT as isize {
                self.wake_if_zero(state.fetch_sub(n * ONE, Relaxed).wrapping_sub(n * ONE));
                panic!("sync: WaitGroup counter overflow");
            }
        } else {
            let mut current = state.load(Relaxed);
            loop {
                if n > MAX_COUNT || count(current) > (MAX_COUNT - n) as isize {
                    panic!("sync: WaitGroup counter overflow");
                }
                match state.compare_exchange_weak(current, current + n * ONE, Relaxed, Relaxed) {
                    Ok(_) => return,
                    Err(now) => current = now,
                }
            }
        }
    }

    /// Marks one task done, waking every waiter when it was the last.
    ///
    /// # Panics
    /// With "sync: negative WaitGroup counter" when the counter is already zero: more `done`s than
    /// `add`s is a bug, and Go panics the same way. The counter stays at zero.
    pub fn done(&self) {
        let state = &self.inner.state;
        // Release: what the task did happens before a `wait` that sees the counter at zero.
        let before = state.fetch_sub(ONE, Release);
        if count(before) <= 0 {
            // Below zero: take it back (another thread may have seen it meanwhile, and gone to
            // sleep on a counter that is now zero again).
            self.wake_if_zero(state.fetch_add(ONE, Relaxed).wrapping_add(ONE));
            panic!("sync: negative WaitGroup counter");
        }
        self.wake_if_zero(before.wrapping_sub(ONE));
    }

    /// Wakes the sleepers in `wait` if an atomic operation has just left `state` with the
    /// counter at zero and [`WAITING`] set.
    fn wake_if_zero(&self, state: usize) {
        if state == WAITING {
            self.inner.state.fetch_and(!WAITING, Relaxed);
            *self.inner.wakeups.lock() += 1;
            self.inner.woken.notify_all();
        }
    }

    /// Blocks until the counter comes down to zero; returns at once if it is zero.
    ///
    /// # Panics
    /// With "sync: WaitGroup is reused before previous Wait has returned" if, by the time this
    /// wait wakes, tasks have been added for a next round: as in Go, a next round may start only
    /// once every wait of the last one has returned.
    pub fn wait(&self) {
        let state = &self.inner.state;
        // Acquire: everything the tasks did before their `done` is visible once this sees zero.
        if count(state.load(Acquire)) == 0 {
            return;
        }
        // Read before saying "I am waiting", so the wake-up for this round moves it on.
        let seen = *self.inner.wakeups.lock();
        if self.register() {
            self.sleep(seen);
        }
    }

    /// Looks at the counter and, unless it is zero, sets [`WAITING`], in one atomic step: the
    /// last `done` either comes first, and this sees zero, or comes after and sees WAITING.
    /// Returns whether the caller must sleep.
    fn register(&self) -> bool {
        let state = &self.inner.state;
        let mut current = state.load(Acquire);
        loop {
            if count(current) == 0 {
                return false;
            }
            if current & WAITING != 0 {
                return true;
            }
            match state.compare_exchange_weak(current, current | WAITING, Acquire, Acquire) {
                Ok(_) => return true,
                Err(now) => current = now,
            }
        }
    }

    /// Sleeps until the wake-up count moves on from `seen`.
    fn sleep(&self, seen: u64) {
        let mut wakeups = self.inner.wakeups.lock();
        // A loop: a condition variable may wake a thread for no reason.
        while *wakeups == seen {
            wakeups = self.inner.woken.wait(wakeups);
        }
        drop(wakeups);
        // Acquire, as above; and as in Go, a next round that started already is a bug. (Below
        // zero is a `done` too many in progress elsewhere: that one panics.)
        if count(self.inner.state.load(Acquire)) > 0 {
            panic!("sync: WaitGroup is reused before previous Wait has returned");
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

// A panic cannot leave the counter half-updated: an `add` or `done` that panics takes its change
// back first.
impl std::panic::RefUnwindSafe for WaitGroup {}
impl std::panic::UnwindSafe for WaitGroup {}

impl fmt::Debug for WaitGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tasks = count(self.inner.state.load(Relaxed));
        f.debug_struct("WaitGroup").field("count", &tasks).finish()
    }
}

/// The course's five workers, waited for with [`WaitGroup`]; then [`WaitGroup::go`] with a task that
/// panics; then crossbeam's drop-based `WaitGroup`, and when to prefer each.
#[cfg(feature = "lesson")]
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
        "All workers completed after {:.1}: the five slept at the same time",
        cx.secs_since_start()
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
    let wg = crossbeam_utils::sync::WaitGroup::new();
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
#[cfg(all(test, chanlab_loom))]
mod models {
    use super::{WAITING, WaitGroup, count};
    use loom::sync::atomic::{AtomicUsize, Ordering::Acquire, Ordering::Relaxed};
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

    /// A deliberately broken wait group: its `wait` looks at the counter and says it is waiting
    /// in two steps, so the last `done` can run in between, find nobody waiting and wake nobody.
    /// It stays here to prove the model below can fail.
    #[derive(Clone)]
    struct MissesLastDone(WaitGroup);

    impl Group for MissesLastDone {
        fn new() -> Self {
            MissesLastDone(WaitGroup::new())
        }
        fn add(&self, n: usize) {
            self.0.add(n);
        }
        fn done(&self) {
            self.0.done();
        }
        fn wait(&self) {
            let inner = &self.0.inner;
            let seen = *inner.wakeups.lock();
            if count(inner.state.load(Acquire)) > 0 {
                // The bug: the last done() may run right here, find WAITING clear and wake
                // nobody. `register` looks and sets WAITING in one compare-and-swap.
                inner.state.fetch_or(WAITING, Acquire);
                self.0.sleep(seen);
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

    /// Tasks add to the counter while others finish; the counter never looks like zero before
    /// the last `done`, whichever order the atomic operations take.
    #[test]
    fn adds_and_dones_race_without_losing_a_task() {
        loom::model(|| {
            let wg = WaitGroup::new();
            let finished = Arc::new(AtomicUsize::new(0));
            wg.add(2);
            let spawner = {
                let (wg, finished) = (wg.clone(), finished.clone());
                thread::spawn(move || {
                    wg.add(1); // a sub-task, counted in while this task still counts
                    finished.fetch_add(1, Relaxed);
                    wg.done(); // the sub-task
                    finished.fetch_add(1, Relaxed);
                    wg.done(); // this task
                })
            };
            let other = {
                let (wg, finished) = (wg.clone(), finished.clone());
                thread::spawn(move || {
                    finished.fetch_add(1, Relaxed);
                    wg.done();
                })
            };
            wg.wait();
            assert_eq!(finished.load(Relaxed), 3, "wait returned before every done");
            assert_eq!(format!("{wg:?}"), "WaitGroup { count: 0 }");
            spawner.join().unwrap();
            other.join().unwrap();
        });
    }

    /// A group waited on twice: the second round's waiter must sleep and wake again, though the
    /// first round's wake-up already cleared and set the waiting flag.
    #[test]
    fn a_group_can_be_reused_after_wait_returns() {
        loom::model(|| {
            let wg = WaitGroup::new();
            for round in 1..=2 {
                let finished = Arc::new(AtomicUsize::new(0));
                wg.add(1);
                let worker = {
                    let (wg, finished) = (wg.clone(), finished.clone());
                    thread::spawn(move || {
                        finished.store(round, Relaxed);
                        wg.done();
                    })
                };
                wg.wait();
                assert_eq!(finished.load(Relaxed), round, "round {round}");
                worker.join().unwrap();
            }
        });
    }

    const TASK_PANIC: &str = "a task panics, as the model intends";
    const NEGATIVE: &str = "sync: negative WaitGroup counter";
    const REUSED: &str = "sync: WaitGroup is reused before previous Wait has returned";

    /// Keeps the panics the models provoke (one per interleaving) out of the test output.
    fn quiet_expected_panics() {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let message = info.payload().downcast_ref::<&str>();
                if !message.is_some_and(|m| [TASK_PANIC, NEGATIVE, REUSED].contains(m)) {
                    default(info);
                }
            }));
        });
    }

    /// The message of a panic caught by `catch_unwind`.
    fn message(panic: &(dyn std::any::Any + Send)) -> &str {
        panic
            .downcast_ref::<&str>()
            .copied()
            .unwrap_or("a panic without a message")
    }

    #[test]
    fn go_counts_out_a_task_that_panics() {
        quiet_expected_panics();
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

    /// Two `done`s for one task: exactly one panics, the counter ends at zero, and a waiter that
    /// went to sleep while the counter was briefly below zero is woken when it is taken back.
    #[test]
    fn a_done_too_many_panics_and_the_waiter_still_wakes() {
        quiet_expected_panics();
        loom::model(|| {
            let wg = WaitGroup::new();
            wg.add(1);
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    let wg = wg.clone();
                    thread::spawn(move || catch_unwind(AssertUnwindSafe(|| wg.done())))
                })
                .collect();
            wg.wait();
            let mut panics = Vec::new();
            for thread in threads {
                if let Err(panic) = thread.join().unwrap() {
                    panics.push(message(&*panic).to_owned());
                }
            }
            assert_eq!(panics, [NEGATIVE]);
            assert_eq!(format!("{wg:?}"), "WaitGroup { count: 0 }");
        });
    }

    /// A next round added before the last round's wait has returned (a bug, in Go as here): the
    /// wait returns, or panics with Go's message; it never sleeps once both rounds are done.
    #[test]
    fn a_round_started_too_early_never_hangs_a_waiter() {
        quiet_expected_panics();
        loom::model(|| {
            let wg = WaitGroup::new();
            wg.add(1);
            let worker = {
                let wg = wg.clone();
                thread::spawn(move || {
                    wg.done();
                    wg.add(1); // too early: the wait below may not have returned
                    wg.done();
                })
            };
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| wg.wait())) {
                assert_eq!(message(&*panic), REUSED);
            }
            worker.join().unwrap();
        });
    }
}
