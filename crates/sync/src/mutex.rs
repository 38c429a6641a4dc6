//! `Mutex`: many threads update one counter, one at a time (section 5.6, the server's `count++`).
//!
//! In Go the mutex and the data it guards are two variables, and nothing stops code from using
//! `count` without `mu.Lock()`. In Rust the data lives inside the `Mutex`: the only way to it is
//! the guard `lock()` returns, and the lock is released when the guard is dropped. Without a lock
//! the compiler refuses to let two threads write one variable:
//!
//! ```compile_fail,E0499
//! let mut count = 0;
//! std::thread::scope(|s| {
//!     s.spawn(|| count += 1);
//!     s.spawn(|| count += 1); // error[E0499]: `count` borrowed mutably twice
//! });
//! ```

use parking_lot::Mutex;
#[cfg(feature = "lesson")]
use {chanlab_common::Cx, std::thread};

// ANCHOR: counter
/// The course's request counter: every request counts itself, `/count` reads the total.
#[derive(Debug, Default)]
pub struct Counter {
    count: Mutex<u64>,
}

impl Counter {
    /// A counter at zero.
    pub fn new() -> Counter {
        Counter::default()
    }

    /// Counts one request: Go's `mu.Lock(); count++; mu.Unlock()`. The guard is dropped, and the
    /// lock released, at the end of the statement.
    pub fn hit(&self) {
        *self.count.lock() += 1;
    }

    /// The count so far.
    pub fn get(&self) -> u64 {
        *self.count.lock()
    }
}
// ANCHOR_END: counter

/// How many threads hit the counter in the step.
pub const THREADS: u64 = 8;
/// How many times each thread hits it.
pub const HITS: u64 = 10_000;

/// Eight threads count 10,000 requests each behind one mutex: the total is exact. Then the guard:
/// the lock is held exactly as long as it lives.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: threads
    let counter = Counter::new();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..HITS {
                    counter.hit();
                }
            });
        }
    });
    cx.say(format!("Count {}", counter.get()));
    // ANCHOR_END: threads
    cx.say(format!(
        "{THREADS} threads x {HITS} hits = {}: exact, because each increment holds the lock",
        THREADS * HITS
    ));

    // ANCHOR: guard
    let balance = Mutex::new(100);
    {
        let mut guard = balance.lock(); // Go: mu.Lock()
        *guard -= 30;
        cx.say(format!(
            "inside the lock: balance {}; try_lock from here: {}",
            *guard,
            locked_or_free(&balance)
        ));
    } // Go: mu.Unlock(); here, because the guard goes out of scope
    cx.say(format!(
        "after the guard is dropped: try_lock: {}",
        locked_or_free(&balance)
    ));
    // ANCHOR_END: guard
    Ok(())
}

#[cfg(feature = "lesson")]
fn locked_or_free(mutex: &Mutex<i32>) -> &'static str {
    match mutex.try_lock() {
        Some(_) => "free",
        None => "locked",
    }
}
