//! `Semaphore`: at most n threads at once in a section (section 5.6; Go uses a buffered channel).
//!
//! Go limits concurrency with a buffered channel of capacity n: send to enter, receive to leave.
//! [`Semaphore`] says the same thing directly, and its [`Permit`] leaves on drop, so an early
//! return or a panic cannot keep a slot taken.

use crate::shim::{Condvar, Mutex};
use std::fmt;
#[cfg(feature = "lesson")]
use {
    chanlab_common::Cx,
    std::sync::atomic::{AtomicUsize, Ordering},
    std::time::Duration,
};

// ANCHOR: semaphore
/// A counting semaphore: [`acquire`](Semaphore::acquire) takes one of a fixed number of permits,
/// waiting while none is free; dropping the [`Permit`] gives it back.
///
/// ```
/// use chanlab_sync::Semaphore;
///
/// let sem = Semaphore::new(2);
/// let a = sem.acquire();
/// let b = sem.acquire();
/// assert_eq!(sem.available(), 0);
/// assert!(sem.try_acquire().is_none()); // acquire() would wait here
/// drop(a);
/// assert!(sem.try_acquire().is_some());
/// # drop(b);
/// ```
///
/// Threads share it by reference (scoped threads) or through an `Arc`:
///
/// ```
/// use chanlab_sync::Semaphore;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// let sem = Semaphore::new(3);
/// let (inside, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
/// std::thread::scope(|s| {
///     for _ in 0..10 {
///         s.spawn(|| {
///             let _permit = sem.acquire();
///             let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
///             most.fetch_max(now, Ordering::SeqCst);
///             std::thread::yield_now();
///             inside.fetch_sub(1, Ordering::SeqCst);
///         });
///     }
/// });
/// assert!(most.load(Ordering::SeqCst) <= 3);
/// ```
pub struct Semaphore {
    /// Permits not held by anyone.
    free: Mutex<usize>,
    /// Notified each time a permit comes back.
    returned: Condvar,
}

/// One permit of a [`Semaphore`], given back when dropped.
#[must_use = "dropping a permit gives it back at once"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` permits, all free.
    ///
    /// # Panics
    /// If `permits` is zero: nobody could ever acquire one, and every `acquire` would hang.
    pub fn new(permits: usize) -> Semaphore {
        assert!(permits > 0, "a Semaphore needs at least one permit");
        Semaphore {
            free: Mutex::new(permits),
            returned: Condvar::new(),
        }
    }

    /// Takes a permit, waiting until one is free.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock();
        while *free == 0 {
            free = self.returned.wait(free);
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    /// Takes a permit if one is free now, without waiting.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.free.lock();
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self })
    }

    /// How many permits are free at this moment (others may take or return them right after).
    pub fn available(&self) -> usize {
        *self.free.lock()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.free.lock() += 1;
        // One permit came back, so one waiter can use it.
        self.semaphore.returned.notify_one();
    }
}
// ANCHOR_END: semaphore

// A panic cannot leave the count half-updated: no code that can panic runs under the lock.
impl std::panic::RefUnwindSafe for Semaphore {}
impl std::panic::UnwindSafe for Semaphore {}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available", &self.available())
            .finish()
    }
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

/// How many jobs the step runs, and how many may run at once.
pub const JOBS: usize = 6;
/// The semaphore's permits in the step.
pub const PERMITS: usize = 2;

/// Six one-second jobs behind a semaphore of two: never more than two inside, done in three
/// seconds; then `try_acquire` with every permit taken.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: limit
    let sem = Semaphore::new(PERMITS);
    let inside = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for job in 1..=JOBS {
            let (sem, inside, most) = (&sem, &inside, &most);
            s.spawn(move || {
                let _permit = sem.acquire(); // Go: sem <- struct{}{}
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                cx.say(format!("job {job} in ({now} inside)"));
                cx.sleep(Duration::from_secs(1));
                inside.fetch_sub(1, Ordering::SeqCst);
            }); // the permit drops here: Go's <-sem
        }
    });
    // ANCHOR_END: limit
    cx.say(format!(
        "{JOBS} jobs of {}, {PERMITS} at a time: {:.1}, at most {} inside at once",
        cx.secs(Duration::from_secs(1)),
        cx.secs_since_start(),
        most.load(Ordering::SeqCst)
    ));

    // ANCHOR: try_acquire
    let held: Vec<Permit> = (0..PERMITS).map(|_| sem.acquire()).collect();
    cx.say(format!(
        "holding {} permits: available() = {}, try_acquire() is {}",
        held.len(),
        sem.available(),
        if sem.try_acquire().is_some() {
            "Some"
        } else {
            "None"
        }
    ));
    drop(held);
    cx.say(format!("all given back: available() = {}", sem.available()));
    // ANCHOR_END: try_acquire
    Ok(())
}

/// Loom models: every interleaving of three threads contending for the permits, up to
/// `LOOM_MAX_PREEMPTIONS` preemptions.
#[cfg(all(test, chanlab_loom))]
mod models {
    use super::{Permit, Semaphore};
    use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use loom::thread;
    use std::sync::Arc; // not loom's: see the shim

    /// A semaphore with `permits` permits, and a count of the threads inside it.
    #[derive(Clone)]
    struct Model {
        sem: Arc<Semaphore>,
        permits: usize,
        inside: Arc<AtomicUsize>,
    }

    impl Model {
        fn new(permits: usize) -> Model {
            Model {
                sem: Arc::new(Semaphore::new(permits)),
                permits,
                inside: Arc::new(AtomicUsize::new(0)),
            }
        }

        /// Goes inside with `permit`, checks the limit holds, and comes out again.
        fn hold(&self, permit: Permit<'_>) {
            let now = self.inside.fetch_add(1, SeqCst) + 1;
            assert!(
                now <= self.permits,
                "{now} holders of {} permits",
                self.permits
            );
            self.inside.fetch_sub(1, SeqCst);
            drop(permit);
        }
    }

    /// Three threads take one of two permits: never more than two inside, every thread gets in
    /// (none is left waiting for a lost wake-up), and both permits are free at the end.
    #[test]
    fn never_more_than_n_holders_and_no_permit_lost() {
        loom::model(|| {
            let model = Model::new(2);
            let others: Vec<_> = (0..2)
                .map(|_| {
                    let model = model.clone();
                    thread::spawn(move || model.hold(model.sem.acquire()))
                })
                .collect();
            model.hold(model.sem.acquire());
            others.into_iter().for_each(|t| t.join().unwrap());
            assert_eq!(model.sem.available(), 2, "a permit was lost");
        });
    }

    /// `try_acquire` racing two `acquire`s for one permit: it may take the permit a woken waiter
    /// was about to use, and then that waiter must wait again, not go in as well.
    #[test]
    fn try_acquire_can_take_a_permit_from_a_woken_waiter_safely() {
        loom::model(|| {
            let model = Model::new(1);
            let trier = {
                let model = model.clone();
                thread::spawn(move || {
                    if let Some(permit) = model.sem.try_acquire() {
                        model.hold(permit);
                    }
                })
            };
            let waiter = {
                let model = model.clone();
                thread::spawn(move || model.hold(model.sem.acquire()))
            };
            model.hold(model.sem.acquire());
            trier.join().unwrap();
            waiter.join().unwrap();
            assert_eq!(model.sem.available(), 1, "the permit was lost");
        });
    }
}
