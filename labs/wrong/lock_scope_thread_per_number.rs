// Mistake: the wrong number of workers. It starts a thread per number instead of the workers it was asked for.

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
    let _ = workers;
    thread::scope(|s| {
        for &n in numbers {
            let counts = &counts;
            s.spawn(move || {
                // The slow part runs without the lock; the lock guards only the update.
                let class = classify(n);
                *counts.lock().unwrap().entry(class).or_insert(0) += 1;
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
