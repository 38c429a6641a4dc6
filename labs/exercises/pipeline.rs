//! Lab `pipeline` (course section 5.4): a three-stage pipeline, `generate → filter_evens → square`,
//! where closing propagates both ways.
//!
//! Downstream: when a stage's input closes, the stage finishes and so closes its output. Upstream:
//! when the consumer stops and drops its receiver, each stage's next send fails, and the stage must
//! stop too, or its thread runs on for nothing. `square` shows the shape of a stage; write
//! `filter_evens`, and make `generate` stop when nobody listens.
//!
//! Check: `cargo xtask lab check pipeline`. Experiment: `cargo xtask lab run pipeline`.
//! The tests live in `labs/tests/pipeline.rs`: read them, don't edit them.

use crossbeam::channel::{Receiver, bounded};
use std::thread;

/// Yields `start..=end`, then closes.
pub fn generate(start: u64, end: u64) -> Receiver<u64> {
    let (out, numbers) = bounded(0);
    thread::spawn(move || {
        for n in start..=end {
            // TODO: a failed send means the next stage has gone: ignoring it keeps this thread
            // counting (up to `end`, which may be far away) for nobody. Stop instead.
            let _ = out.send(n);
        }
    });
    numbers
}

/// Passes on the even numbers of `input`; closes when `input` closes.
pub fn filter_evens(input: Receiver<u64>) -> Receiver<u64> {
    // TODO: this passes on every number. Write a stage in the shape of `square`: a thread that
    // forwards only the even numbers, and stops when the input closes or the output's reader has
    // gone.
    input
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
