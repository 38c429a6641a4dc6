//! Lab `close_and_range` (course section 5.3): close a channel so that the receiver's loop ends.
//!
//! In Go, the sender calls `close(ch)` and `for v := range ch` stops once the channel is empty. In
//! Rust a channel closes when its last `Sender` is dropped, and `for v in &rx` (or `rx.iter()`) stops
//! then. `sum_of_squares` below never finishes: find out why and fix it.
//!
//! Check: `cargo xtask lab check close_and_range`. Experiment: `cargo xtask lab run close_and_range`.
//! The tests live in `labs/tests/close_and_range.rs`: read them, don't edit them.

use crossbeam::channel::unbounded;
use std::thread;

/// The sum of the squares of `1..=n`, computed by `workers` threads (at least one), each sending
/// the squares of its share of the numbers over one channel.
pub fn sum_of_squares(n: u64, workers: usize) -> u64 {
    let workers = workers.max(1);
    let (tx, rx) = unbounded();
    for first in 1..=workers as u64 {
        let tx = tx.clone();
        thread::spawn(move || {
            for i in (first..=n).step_by(workers) {
                // The receiver lives until the sum is done, so this send cannot fail.
                tx.send(i * i).expect("the receiver is alive");
            }
        });
    }
    // TODO: this loop ends only when the channel closes, that is when every `Sender` is gone. Each
    // worker drops its clone when it finishes — but one `Sender` is still alive. Which one?
    rx.iter().sum()
}

fn main() {
    println!("1² + 2² + … + 100² = {}", sum_of_squares(100, 4));
}
