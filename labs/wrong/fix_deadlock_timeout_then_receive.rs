// Mistake: a fixed cut-off. Each thread tries to send for 20 ms, then receives first; but they all give up together and wait again.

use crossbeam::channel::{Receiver, SendTimeoutError, Sender, bounded};
use std::thread;
use std::time::Duration;

/// Passes numbers around a ring of `n` threads (at least 2): thread `i` sends `i` to thread
/// `i + 1` (the last sends to thread 0) and receives from thread `i - 1`. Returns what each thread
/// received, by thread.
///
/// Panics if `n < 2`: a ring needs two.
pub fn pass_right(n: usize) -> Vec<usize> {
    assert!(n >= 2, "a ring needs at least two threads, not {n}");
    // Channel `i` carries the number that thread `i` receives.
    let (senders, receivers): (Vec<Sender<usize>>, Vec<Receiver<usize>>) =
        (0..n).map(|_| bounded(0)).unzip();
    let threads: Vec<_> = receivers
        .into_iter()
        .enumerate()
        .map(|(i, from_left)| {
            let to_right = senders[(i + 1) % n].clone();
            // An unbuffered send waits for the receiver. If every thread sends first, each waits
            // for a neighbour that is itself waiting: a cycle. Thread 0 receives first instead,
            // so the last thread's send completes, then the one before it, and so on round.
            thread::spawn(
                move || match to_right.send_timeout(i, Duration::from_millis(20)) {
                    Ok(()) => from_left.recv().expect("the neighbour sends"),
                    Err(SendTimeoutError::Timeout(i)) => {
                        let got = from_left.recv().expect("the neighbour sends");
                        to_right.send(i).expect("the neighbour is alive");
                        got
                    }
                    Err(SendTimeoutError::Disconnected(_)) => panic!("the neighbour left"),
                },
            )
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("a thread panicked"))
        .collect()
}

fn main() {
    println!("{:?}", pass_right(5));
}
