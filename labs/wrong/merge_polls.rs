// Mistake: busy-waiting. Each forwarder polls its input with try_recv in a loop instead of blocking on it.

use crossbeam::channel::{Receiver, TryRecvError, bounded};
use std::thread;
use std::time::Duration;

/// Every value from every input, as it arrives; the output closes once every input has closed.
pub fn merge<T: Send + 'static>(inputs: Vec<Receiver<T>>) -> Receiver<T> {
    let (out, merged) = bounded(0);
    for input in inputs {
        let out = out.clone();
        thread::spawn(move || {
            loop {
                match input.try_recv() {
                    Ok(value) => {
                        if out.send(value).is_err() {
                            return;
                        }
                    }
                    Err(TryRecvError::Empty) => thread::yield_now(),
                    Err(TryRecvError::Disconnected) => return,
                }
            }
        });
    }
    // Each forwarder holds a clone; the output closes when the last one finishes.
    merged
}

/// A channel that yields `values`, `pause` apart, then closes.
fn source(values: Vec<&'static str>, pause: Duration) -> Receiver<&'static str> {
    let (tx, rx) = bounded(0);
    thread::spawn(move || {
        for value in values {
            thread::sleep(pause);
            if tx.send(value).is_err() {
                return;
            }
        }
    });
    rx
}

fn main() {
    let slow = source(vec!["tortoise 1", "tortoise 2"], Duration::from_millis(300));
    let fast = source(
        vec!["hare 1", "hare 2", "hare 3"],
        Duration::from_millis(50),
    );
    for value in merge(vec![slow, fast]) {
        println!("{value}");
    }
}
