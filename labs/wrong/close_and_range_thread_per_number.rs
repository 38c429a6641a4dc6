// Mistake: the wrong number of workers. It starts a thread per number instead of the workers it was asked for.

use crossbeam::channel::unbounded;
use std::thread;

/// The sum of the squares of `1..=n`, computed by `workers` threads (at least one), each sending
/// the squares of its share of the numbers over one channel.
pub fn sum_of_squares(n: u64, workers: usize) -> u64 {
    let workers = workers.max(1);
    let (tx, rx) = unbounded();
    let _ = workers;
    for i in 1..=n {
        let tx = tx.clone();
        thread::spawn(move || tx.send(i * i).expect("the receiver is alive"));
    }
    // The workers hold clones; ours would keep the channel open forever. Dropping it is Go's
    // `close(ch)`: the loop below ends once the last worker has finished.
    drop(tx);
    rx.iter().sum()
}

fn main() {
    println!("1² + 2² + … + 100² = {}", sum_of_squares(100, 4));
}
