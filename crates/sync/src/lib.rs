//! Go's `sync` package, in Rust (course section 5.6).
//!
//! Channels are not the only way for threads to cooperate. Go's `sync` package has locks, a
//! `WaitGroup`, `Once` and condition variables, and `sync/atomic` has lock-free counters. Rust has
//! them all, with one difference that runs through this lesson: a Rust lock *owns* the data it
//! guards, so code cannot reach the data without holding the lock. This crate's reusable parts
//! are [`WaitGroup`], with Go's semantics, and [`Semaphore`].
//!
//! # Hello, world
//!
//! ```
//! use chanlab_sync::WaitGroup;
//!
//! let wg = WaitGroup::new();
//! let hello = wg.go(|| "hello, world"); // add(1), spawn, done() when it returns
//! wg.wait();
//! assert_eq!(hello.join().unwrap(), "hello, world");
//! ```
//!
//! # Mutex: one at a time
//!
//! ```
//! use parking_lot::Mutex;
//!
//! let count = Mutex::new(0); // Go: var mu sync.Mutex; var count int
//! std::thread::scope(|s| {
//!     for _ in 0..4 {
//!         s.spawn(|| *count.lock() += 1); // the guard unlocks as it drops
//!     }
//! });
//! assert_eq!(*count.lock(), 4);
//! ```
//!
//! # RwLock: many readers, or one writer
//!
//! ```
//! let config = parking_lot::RwLock::new("v1");
//! let (a, b) = (config.read(), config.read()); // readers share
//! assert!(config.try_write().is_none()); // a writer waits for them
//! drop((a, b));
//! *config.write() = "v2";
//! ```
//!
//! # Once: one initialisation
//!
//! ```
//! use std::sync::OnceLock;
//!
//! static PORT: OnceLock<u16> = OnceLock::new();
//! let port = PORT.get_or_init(|| 8000); // Go: once.Do(...)
//! assert_eq!(*PORT.get_or_init(|| unreachable!("already set")), *port);
//! ```
//!
//! # Atomics: a counter without a lock
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! let hits = AtomicU64::new(0);
//! std::thread::scope(|s| {
//!     for _ in 0..4 {
//!         s.spawn(|| hits.fetch_add(1, Ordering::Relaxed)); // Go: atomic.AddInt64
//!     }
//! });
//! assert_eq!(hits.load(Ordering::Relaxed), 4);
//! ```
//!
//! # Condvar: wait in a loop until a condition holds
//!
//! ```
//! use parking_lot::{Condvar, Mutex};
//!
//! let (ready, changed) = (Mutex::new(false), Condvar::new());
//! std::thread::scope(|s| {
//!     s.spawn(|| {
//!         *ready.lock() = true;
//!         changed.notify_all(); // Go: cond.Broadcast()
//!     });
//!     let mut is_ready = ready.lock();
//!     while !*is_ready {
//!         changed.wait(&mut is_ready); // unlocks while asleep
//!     }
//! });
//! ```
//!
//! # Semaphore: at most n at once
//!
//! ```
//! let sem = chanlab_sync::Semaphore::new(2);
//! let _a = sem.acquire();
//! let _b = sem.acquire();
//! assert!(sem.try_acquire().is_none()); // both permits held
//! ```
//!
//! # The monitor: one thread owns the state
//!
//! ```
//! use chanlab_sync::monitor::Bank;
//!
//! let (bank, teller) = Bank::open();
//! bank.deposit(100)?;
//! assert_eq!(bank.balance()?, 100);
//! drop(bank); // the last handle closes the bank
//! teller.join().unwrap();
//! # Ok::<(), chanlab_sync::monitor::BankError>(())
//! ```
//!
//! Each module below is one step of the lesson: run it with `cargo xtask run sync <step>`.
//! `cargo xtask loom` model-checks [`WaitGroup`] and [`Semaphore`] with loom.

#[cfg(feature = "lesson")]
pub mod atomic;
#[cfg(feature = "lesson")]
pub mod cond;
#[cfg(feature = "lesson")]
pub mod monitor;
pub mod mutex;
#[cfg(feature = "lesson")]
pub mod once;
#[cfg(feature = "lesson")]
pub mod rwlock;
pub mod semaphore;
#[doc(hidden)]
pub mod shim;
pub mod waitgroup;

pub use semaphore::{Permit, Semaphore};
pub use waitgroup::WaitGroup;

#[cfg(feature = "lesson")]
use chanlab_common::{Lesson, Step};

/// The lesson's steps, in teaching order.
#[cfg(feature = "lesson")]
pub const LESSON: Lesson = Lesson {
    name: "sync",
    summary: "locks, a Go-semantics WaitGroup, Once, atomics, Cond, Semaphore and the monitor",
    default: None,
    steps: &[
        Step::new(
            "mutex",
            "5.6",
            "the server's counter behind a Mutex: exact, and unlocked on drop",
            mutex::run,
        ),
        Step::new(
            "waitgroup",
            "5.6",
            "wait for N threads: a Go WaitGroup, and crossbeam's drop-based one",
            waitgroup::run,
        ),
        Step::new(
            "rwlock",
            "5.6",
            "readers share an RwLock, writers take turns",
            rwlock::run,
        ),
        Step::new(
            "once",
            "5.6",
            "OnceLock and Once: many threads, one initialisation",
            once::run,
        ),
        Step::new(
            "atomic",
            "5.6",
            "50 threads x 1000 fetch_add = 50000, every run; load + store loses updates",
            atomic::run,
        ),
        Step::new(
            "cond",
            "5.6",
            "Condvar: wait in a loop on a condition; notify one or all",
            cond::run,
        ),
        Step::new(
            "semaphore",
            "5.6",
            "at most n threads at once; the permit leaves on drop",
            semaphore::run,
        ),
        Step::new(
            "monitor",
            "5.6",
            "one thread owns a bank balance; requests carry reply channels",
            monitor::run,
        ),
    ],
};
