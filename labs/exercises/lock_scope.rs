//! Lab `lock_scope` (course section 5.6): hold a mutex only as long as you must.
//!
//! A `Mutex` makes threads take turns. If a thread holds the lock while it does slow work, the
//! others wait for the lock instead of working, and the threads run one after another: correct,
//! but no faster than one thread. `tally` below has that problem.
//!
//! Check: `cargo xtask lab check lock_scope`. Experiment: `cargo xtask lab run lock_scope`.
//! The tests live in `labs/tests/lock_scope.rs`: read them, don't edit them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// Classifies `numbers` with `classify` on `workers` threads (at least one) and counts how many
/// numbers fell in each class.
pub fn tally(
    numbers: &[u64],
    workers: usize,
    classify: fn(u64) -> &'static str,
) -> HashMap<&'static str, usize> {
    let counts = Mutex::new(HashMap::new());
    let share = numbers.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|s| {
        for chunk in numbers.chunks(share) {
            let counts = &counts;
            s.spawn(move || {
                // TODO: the lock is taken before the loop, so it is held while `classify` works and
                // every other thread waits for it. Classify without the lock; take it only to
                // update the counts (for each number, or once per chunk with a local tally).
                let mut counts = counts.lock().unwrap();
                for &n in chunk {
                    *counts.entry(classify(n)).or_insert(0) += 1;
                }
            });
        }
    });
    counts.into_inner().unwrap()
}

/// A slow classification: 10 ms of thought per number.
fn parity(n: u64) -> &'static str {
    thread::sleep(Duration::from_millis(10));
    if n.is_multiple_of(2) { "even" } else { "odd" }
}

fn main() {
    let numbers: Vec<u64> = (1..=100).collect();
    for workers in [1, 4] {
        let start = Instant::now();
        let counts = tally(&numbers, workers, parity);
        println!(
            "{workers} worker(s): {counts:?} in {:.2}s",
            start.elapsed().as_secs_f64()
        );
    }
}
