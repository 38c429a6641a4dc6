//! Lab `waitgroup` (course section 5.6): build Go's `sync.WaitGroup` from a `Mutex` and a
//! `Condvar`.
//!
//! `add(n)` raises a counter, `done()` lowers it, `wait()` blocks until it is zero. This version
//! works, but `wait` spins: it burns a whole CPU core checking the counter over and over. A
//! `Condvar` lets the waiter sleep until `done` wakes it.
//!
//! Check: `cargo xtask lab check waitgroup`. Experiment: `cargo xtask lab run waitgroup`.
//! The tests live in `labs/tests/waitgroup.rs`: read them, don't edit them.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Waits for a collection of threads to finish, like Go's `sync.WaitGroup`.
#[derive(Default)]
pub struct WaitGroup {
    count: Mutex<usize>,
}

impl WaitGroup {
    /// A wait group with a count of zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `n` to the count: call it before starting the threads you will wait for.
    pub fn add(&self, n: usize) {
        *self.count.lock().unwrap() += n;
    }

    /// Takes one off the count. Panics if the count is already zero, as Go does.
    pub fn done(&self) {
        let mut count = self.count.lock().unwrap();
        *count = count
            .checked_sub(1)
            .expect("sync: negative WaitGroup counter");
        // TODO: once the count is zero, wake every waiter (`Condvar::notify_all`).
    }

    /// Blocks until the count is zero.
    pub fn wait(&self) {
        // TODO: this spins, checking the count as fast as it can. Add a `std::sync::Condvar`
        // field, and sleep on it (`Condvar::wait`, in a loop: waking up does not prove the count
        // is zero) until `done` wakes you.
        while *self.count.lock().unwrap() > 0 {
            thread::yield_now();
        }
    }
}

fn main() {
    let group = Arc::new(WaitGroup::new());
    for id in 1..=5 {
        group.add(1);
        let group = group.clone();
        thread::spawn(move || {
            println!("worker {id} starting");
            thread::sleep(Duration::from_millis(100 * id));
            println!("worker {id} done");
            group.done();
        });
    }
    group.wait();
    println!("all workers completed");
}
