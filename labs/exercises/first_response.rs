//! Lab `first_response` (course section 5.5): ask two replicas, take whichever answers first,
//! with `select!`.
//!
//! A replica that fails closes its channel without answering. In a `select!`, a closed channel is
//! always ready (its `recv` returns an error at once), just as a closed channel is in Go's `select`:
//! once a replica has failed, stop listening to it and wait for the other one.
//!
//! Check: `cargo xtask lab check first_response`. Experiment: `cargo xtask lab run first_response`.
//! The tests live in `labs/tests/first_response.rs`: read them, don't edit them.

use crossbeam::channel::{Receiver, bounded, select};
use std::thread;
use std::time::Duration;

/// The first answer from replica `a` or `b`. A replica that closes its channel without answering is
/// out of the race; `None` if both are.
pub fn first_answer(a: Receiver<String>, b: Receiver<String>) -> Option<String> {
    // TODO: close, but a replica that fails closes its channel at once, and a closed channel is
    // ready at once: its `Err` wins the race and the other replica's answer is never heard. When an
    // arm gets `Err`, swap that receiver for `crossbeam::channel::never()` (never ready) and select
    // again; give up only when both have failed.
    select! {
        recv(a) -> answer => answer.ok(),
        recv(b) -> answer => answer.ok(),
    }
}

/// A replica that answers `answer` after `delay` (or fails, if `answer` is `None`).
fn replica(answer: Option<&'static str>, delay: Duration) -> Receiver<String> {
    let (tx, rx) = bounded(1);
    thread::spawn(move || {
        thread::sleep(delay);
        if let Some(answer) = answer {
            let _ = tx.send(answer.to_string());
        }
    });
    rx
}

fn main() {
    let a = replica(Some("answer from a"), Duration::from_millis(500));
    let b = replica(Some("answer from b"), Duration::from_millis(100));
    println!("{:?}", first_answer(a, b));
    let a = replica(None, Duration::ZERO);
    let b = replica(Some("answer from b"), Duration::from_millis(100));
    println!("{:?}", first_answer(a, b));
}
