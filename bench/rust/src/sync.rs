//! Workloads for locks, wait groups and cancellation.

use crate::{Error, Implementation, check_ops, checked, per_op, timed};
use chanlab_patterns::Context;
use crossbeam_channel::{Receiver, bounded, unbounded};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The rows of this group.
pub const IMPLEMENTATIONS: &[Implementation] = &[
    Implementation {
        case: "mutex",
        label: "parking_lot::Mutex",
        run: |s| parking_lot_mutex(s.ops),
    },
    Implementation {
        case: "mutex",
        label: "std::sync::Mutex",
        run: |s| std_mutex(s.ops),
    },
    Implementation {
        case: "waitgroup",
        label: "chanlab WaitGroup",
        run: |s| waitgroup(s.ops),
    },
    Implementation {
        case: "waitgroup",
        label: "crossbeam WaitGroup (clone/drop)",
        run: |s| crossbeam_waitgroup(s.ops),
    },
    Implementation {
        case: "context-cancel",
        label: "chanlab Context",
        run: |s| context_cancel::<Context>(s.ops),
    },
    Implementation {
        case: "context-cancel",
        label: "crossbeam, drop a Sender",
        run: |s| context_cancel::<Receiver<()>>(s.ops),
    },
];

/// Threads that share the work in the mutex and wait group workloads.
const THREADS: u64 = 4;

/// The share of `0..ops` that thread `t` of [`THREADS`] does.
fn share(ops: u64, t: u64) -> u64 {
    ops / THREADS + u64::from(t < ops % THREADS)
}

/// Four threads add 1 to one counter behind parking_lot's mutex, the lock the sync lesson
/// teaches, `ops` times in all. One operation: one lock, increment and unlock.
pub fn parking_lot_mutex(ops: u64) -> Result<f64, Error> {
    let counter = parking_lot::Mutex::new(0u64);
    let (ns_per_op, _) = timed(ops, || {
        thread::scope(|s| {
            for t in 0..THREADS {
                let counter = &counter;
                s.spawn(move || (0..share(ops, t)).for_each(|_| *counter.lock() += 1));
            }
        })
    });
    checked(ns_per_op, counter.into_inner(), ops)
}

/// The same with std's mutex.
pub fn std_mutex(ops: u64) -> Result<f64, Error> {
    let counter = std::sync::Mutex::new(0u64);
    let (ns_per_op, _) = timed(ops, || {
        thread::scope(|s| {
            for t in 0..THREADS {
                let counter = &counter;
                s.spawn(move || {
                    for _ in 0..share(ops, t) {
                        // A poisoned lock still counts: no thread here panics while holding it.
                        *counter.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                    }
                });
            }
        })
    });
    let total = counter.into_inner().unwrap_or_else(|e| e.into_inner());
    checked(ns_per_op, total, ops)
}

/// `add(4)` for four threads that each `add(1)` then `done()` for their share of `ops` and a
/// last `done()`, while the main thread `wait`s for them. One operation: one `add`/`done` pair.
pub fn waitgroup(ops: u64) -> Result<f64, Error> {
    let wg = chanlab_sync::WaitGroup::new();
    let pairs = AtomicU64::new(0);
    let (ns_per_op, _) = timed(ops, || {
        thread::scope(|s| {
            wg.add(THREADS as usize);
            for t in 0..THREADS {
                let (wg, pairs) = (&wg, &pairs);
                s.spawn(move || {
                    for _ in 0..share(ops, t) {
                        wg.add(1);
                        wg.done();
                    }
                    pairs.fetch_add(share(ops, t), Ordering::Relaxed);
                    wg.done();
                });
            }
            wg.wait();
        })
    });
    checked(ns_per_op, pairs.into_inner(), ops)
}

/// The same with crossbeam's `WaitGroup`, which counts by cloning (add) and dropping (done).
pub fn crossbeam_waitgroup(ops: u64) -> Result<f64, Error> {
    let pairs = AtomicU64::new(0);
    let (ns_per_op, _) = timed(ops, || {
        thread::scope(|s| {
            let wg = crossbeam_utils::sync::WaitGroup::new();
            for t in 0..THREADS {
                let (wg, pairs) = (wg.clone(), &pairs);
                s.spawn(move || {
                    for _ in 0..share(ops, t) {
                        drop(wg.clone());
                    }
                    pairs.fetch_add(share(ops, t), Ordering::Relaxed);
                    drop(wg);
                });
            }
            wg.wait();
        })
    });
    checked(ns_per_op, pairs.into_inner(), ops)
}

/// How many threads wait on each context in [`context_cancel`].
pub const WAITERS: usize = 1_000;

/// What a waiter of [`context_cancel`] waits on: a context's `done()` channel, or a bare
/// crossbeam channel whose sender is dropped.
pub trait Signal: Clone + Send + 'static {
    /// A new signal and the function that fires it.
    fn new() -> (Self, Box<dyn FnOnce()>)
    where
        Self: Sized;
    /// Blocks until the signal fires.
    fn wait(&self);
}

impl Signal for Context {
    fn new() -> (Context, Box<dyn FnOnce()>) {
        let (ctx, cancel) = Context::with_cancel(&Context::background());
        (ctx, Box::new(move || cancel.cancel()))
    }
    fn wait(&self) {
        let _ = self.done().recv(); // returns Err once cancelled
    }
}

impl Signal for Receiver<()> {
    fn new() -> (Receiver<()>, Box<dyn FnOnce()>) {
        let (close, done) = bounded::<()>(0);
        (done, Box::new(move || drop(close)))
    }
    fn wait(&self) {
        let _ = self.recv();
    }
}

/// [`WAITERS`] threads, started once, each block on the same cancellation signal; the main
/// thread cancels it and waits until every waiter has woken and said so; `ops` rounds, a new
/// signal each. One operation: one round, timed from the cancel to the last waiter's answer.
pub fn context_cancel<S: Signal>(ops: u64) -> Result<f64, Error> {
    check_ops(ops, 1, 1_000_000)?;
    fan_out::<S>(ops)
}

fn fan_out<S: Signal>(rounds: u64) -> Result<f64, Error> {
    let (signals_tx, signals) = unbounded::<S>();
    let (ready_tx, ready) = bounded::<()>(WAITERS);
    let (woken_tx, woken) = bounded::<()>(WAITERS);
    let mut waiters = Vec::with_capacity(WAITERS);
    for _ in 0..WAITERS {
        let (signals, ready_tx, woken_tx) = (signals.clone(), ready_tx.clone(), woken_tx.clone());
        let waiter = thread::Builder::new()
            .stack_size(chanlab_channels::goroutines::SMALL_STACK)
            .spawn(move || {
                // One signal per round: a waiter cannot take a second before the first fires.
                for signal in &signals {
                    let _ = ready_tx.send(());
                    signal.wait();
                    let _ = woken_tx.send(());
                }
            });
        match waiter {
            Ok(waiter) => waiters.push(waiter),
            Err(e) => {
                drop(signals_tx); // the started waiters end
                waiters.into_iter().for_each(|w| drop(w.join()));
                return Err(e.into());
            }
        }
    }
    let mut cancelling = Duration::ZERO;
    let mut answered = 0u64;
    for _ in 0..rounds {
        let (signal, cancel) = S::new();
        for _ in 0..WAITERS {
            let _ = signals_tx.send(signal.clone());
        }
        drop(signal);
        ready.iter().take(WAITERS).for_each(drop);
        let start = Instant::now();
        cancel();
        answered += woken.iter().take(WAITERS).count() as u64;
        cancelling += start.elapsed();
    }
    drop(signals_tx);
    for waiter in waiters {
        let _ = waiter.join();
    }
    checked(
        per_op(cancelling, rounds),
        answered,
        rounds * WAITERS as u64,
    )
}
