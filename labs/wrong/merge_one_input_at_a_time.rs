// Mistake: one thread drains the inputs one after another, so a slow input holds back the others.

use crossbeam::channel::{Receiver, bounded};
use std::thread;
use std::time::Duration;

/// Every value from every input, as it arrives; the output closes once every input has closed.
pub fn merge<T: Send + 'static>(inputs: Vec<Receiver<T>>) -> Receiver<T> {
    let (out, merged) = bounded(0);
    thread::spawn(move || {
        for input in inputs {
            for value in input {
                if out.send(value).is_err() {
                    return; // nobody reads the output any more
                }
            }
        }
    });
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
