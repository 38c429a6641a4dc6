//! The locks, atomics and threads the primitives are built on: parking_lot's and std's in a
//! normal build, loom's model-checked twins under `--cfg chanlab_loom` (`cargo xtask loom`).
//!
//! [`WaitGroup`](crate::WaitGroup) and [`Semaphore`](crate::Semaphore) import their
//! synchronisation only from here, and so do the primitives of `chanlab-patterns` (which is why
//! this module is public, though hidden from the docs): the code loom checks is the code users
//! run. The one API
//! difference is adapted here: loom's locks follow std's (`lock` returns a `LockResult`,
//! `Condvar::wait` takes the guard by value), parking_lot's never poison and wait on
//! `&mut guard`. Both sides offer `lock() -> guard` and `wait(guard) -> guard`.
//!
//! `Arc` stays std's under loom too: when loom finds a deadlock it unwinds the blocked threads,
//! and a loom `Arc` dropped then panics a second time, aborting the whole test process instead of
//! failing the one model that found the bug.

#[cfg(not(chanlab_loom))]
mod imp {
    pub use parking_lot::MutexGuard;
    pub use std::sync::atomic::AtomicUsize;
    pub use std::thread;

    /// parking_lot's mutex.
    #[derive(Debug, Default)]
    pub struct Mutex<T>(parking_lot::Mutex<T>);

    impl<T> Mutex<T> {
        /// A mutex holding `value`.
        pub fn new(value: T) -> Mutex<T> {
            Mutex(parking_lot::Mutex::new(value))
        }

        /// Locks, waiting for the lock if another thread holds it.
        pub fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock()
        }
    }

    /// parking_lot's condition variable.
    #[derive(Debug, Default)]
    pub struct Condvar(parking_lot::Condvar);

    impl Condvar {
        /// A condition variable.
        pub fn new() -> Condvar {
            Condvar(parking_lot::Condvar::new())
        }

        /// Releases the lock, waits for a notification, and locks again.
        pub fn wait<'a, T>(&self, mut guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(&mut guard);
            guard
        }

        /// Wakes one waiting thread.
        pub fn notify_one(&self) {
            self.0.notify_one();
        }

        /// Wakes every waiting thread.
        pub fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

#[cfg(chanlab_loom)]
mod imp {
    pub use loom::sync::MutexGuard;
    pub use loom::sync::atomic::AtomicUsize;
    pub use loom::thread;
    use std::sync::PoisonError;

    /// loom's mutex. parking_lot's does not poison, so neither does this one.
    #[derive(Debug)]
    pub struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T> Mutex<T> {
        /// A mutex holding `value`.
        pub fn new(value: T) -> Mutex<T> {
            Mutex(loom::sync::Mutex::new(value))
        }

        /// Locks, waiting for the lock if another thread holds it.
        pub fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner)
        }
    }

    /// loom's condition variable.
    #[derive(Debug, Default)]
    pub struct Condvar(loom::sync::Condvar);

    impl Condvar {
        /// A condition variable.
        pub fn new() -> Condvar {
            Condvar(loom::sync::Condvar::new())
        }

        /// Releases the lock, waits for a notification, and locks again.
        pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(guard).unwrap_or_else(PoisonError::into_inner)
        }

        /// Wakes one waiting thread.
        pub fn notify_one(&self) {
            self.0.notify_one();
        }

        /// Wakes every waiting thread.
        pub fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

pub use imp::*;
