//! The locks the primitives are built on: parking_lot's in a normal build, loom's model-checked
//! twins under `--cfg loom` (`cargo xtask loom`).
//!
//! [`Context`](crate::Context), [`ErrGroup`](crate::ErrGroup), [`Memo`](crate::Memo) and
//! [`RateLimiter`](crate::RateLimiter) take their locks only from here, so the state machines
//! loom checks are the ones users run.
//! loom's locks follow std's (`lock` returns a `LockResult`, `Condvar::wait` takes the guard by
//! value) while parking_lot's never poison and wait on `&mut guard`; both sides here offer
//! `lock() -> guard` and `wait(guard) -> guard`. Channels stay crossbeam's in both builds: loom
//! does not see them, so the models never block on one.

#[cfg(not(loom))]
mod imp {
    pub(crate) use parking_lot::MutexGuard;

    /// parking_lot's mutex.
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(parking_lot::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock()
        }
    }

    /// parking_lot's condition variable.
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(parking_lot::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Condvar {
            Condvar(parking_lot::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, mut guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(&mut guard);
            guard
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

#[cfg(loom)]
mod imp {
    pub(crate) use loom::sync::MutexGuard;
    use std::sync::PoisonError;

    /// loom's mutex. parking_lot's does not poison, so neither does this one.
    #[derive(Debug)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner)
        }
    }

    /// loom's condition variable.
    #[derive(Debug)]
    pub(crate) struct Condvar(loom::sync::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Condvar {
            Condvar(loom::sync::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(guard).unwrap_or_else(PoisonError::into_inner)
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

pub(crate) use imp::*;
