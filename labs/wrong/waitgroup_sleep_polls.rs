// Mistake: polling with a sleep. wait looks at the count, sleeps a millisecond, and looks again, instead of sleeping on a Condvar.

use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// Waits for a collection of threads to finish, like Go's `sync.WaitGroup`.
#[derive(Default)]
pub struct WaitGroup {
    count: Mutex<usize>,
    zero: Condvar,
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
        if *count == 0 {
            self.zero.notify_all();
        }
    }

    /// Blocks until the count is zero.
    pub fn wait(&self) {
        while *self.count.lock().unwrap() > 0 {
            thread::sleep(Duration::from_millis(1));
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
