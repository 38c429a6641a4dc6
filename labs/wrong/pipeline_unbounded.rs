// Mistake: no back-pressure. filter_evens sends into an unbounded channel, so it runs ahead of its reader without limit.

use crossbeam::channel::{Receiver, bounded, unbounded};
use std::thread;

/// Yields `start..=end`, then closes.
pub fn generate(start: u64, end: u64) -> Receiver<u64> {
    let (out, numbers) = bounded(0);
    thread::spawn(move || {
        for n in start..=end {
            if out.send(n).is_err() {
                return; // the next stage has gone
            }
        }
    });
    numbers
}

/// Passes on the even numbers of `input`; closes when `input` closes.
pub fn filter_evens(input: Receiver<u64>) -> Receiver<u64> {
    let (out, evens) = unbounded();
    thread::spawn(move || {
        for n in input.iter().filter(|n| n % 2 == 0) {
            if out.send(n).is_err() {
                return;
            }
        }
    });
    evens
}

/// Squares each number of `input`; closes when `input` closes.
pub fn square(input: Receiver<u64>) -> Receiver<u64> {
    let (out, squares) = bounded(0);
    thread::spawn(move || {
        for n in input {
            if out.send(n * n).is_err() {
                return; // the reader has gone: so do we, which closes `input` for the stage before
            }
        }
        // `input` closed: returning drops `out`, which closes `squares`.
    });
    squares
}

fn main() {
    for n in square(filter_evens(generate(1, 10))) {
        println!("{n}");
    }
}
