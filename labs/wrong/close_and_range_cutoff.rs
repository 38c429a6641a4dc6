// Mistake: a fixed cut-off instead of closing. The channel is never closed; the sum stops after 50 ms without a value.

use crossbeam::channel::unbounded;
use std::thread;
use std::time::Duration;

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
    // The workers hold clones; ours would keep the channel open forever. Dropping it is Go's
    // `close(ch)`: the loop below ends once the last worker has finished.
    // The workers send without pause: 50 ms of silence means they are done.
    let mut sum = 0;
    while let Ok(square) = rx.recv_timeout(Duration::from_millis(50)) {
        sum += square;
    }
    sum
}

fn main() {
    println!("1² + 2² + … + 100² = {}", sum_of_squares(100, 4));
}
