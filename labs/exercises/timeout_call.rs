//! Lab `timeout_call` (course section 5.8): a call with a timeout that leaves no thread behind.
//!
//! Waiting for a worker with a timeout is easy: `select!` on its answer and on `after(limit)`. The
//! catch is the worker: when the caller gives up, the worker computes on for nothing — a thread
//! leak, the first of the course's pitfalls. The worker must learn that nobody waits any more, and
//! stop; and the caller should wait for it to stop (join), so that no thread outlives the call.
//!
//! Check: `cargo xtask lab check timeout_call`. Experiment: `cargo xtask lab run timeout_call`.
//! The tests live in `labs/tests/timeout_call.rs`: read them, don't edit them.

use crossbeam::channel::{Receiver, RecvTimeoutError, after, bounded, never, select};
use std::thread;
use std::time::{Duration, Instant};

/// Why a call gave no answer.
#[derive(Debug, PartialEq, Eq)]
pub enum CallError {
    /// No answer came within the time limit.
    TimedOut,
    /// The computation failed, and said why.
    Failed(String),
}

/// A slow computation: `steps` steps of 10 ms each. Between steps it looks at `stop` and gives up
/// as soon as `stop` has a message or is closed.
pub fn compute(steps: u64, stop: &Receiver<()>) -> Result<u64, String> {
    for _ in 0..steps {
        match stop.recv_timeout(Duration::from_millis(10)) {
            Err(RecvTimeoutError::Timeout) => {} // not stopped: that was one step of work
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return Err("stopped".into()),
        }
    }
    Ok(steps * 10)
}

/// Runs `compute(steps)` on another thread and waits at most `limit` for its answer.
pub fn call(steps: u64, limit: Duration) -> Result<u64, CallError> {
    let (answer_tx, answer) = bounded(1);
    // TODO: the worker's stop channel is `never()`: nothing can ever stop it, so after a timeout it
    // computes on, for nobody. Give it a channel you can close (keep the `Sender`, drop it when you
    // give up), and join the worker before returning, so that no thread outlives the call.
    thread::spawn(move || {
        let _ = answer_tx.send(compute(steps, &never()));
    });
    select! {
        recv(answer) -> result => match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(reason)) => Err(CallError::Failed(reason)),
            Err(_) => Err(CallError::Failed("the worker ended without answering".into())),
        },
        recv(after(limit)) -> _ => Err(CallError::TimedOut),
    }
}

fn main() {
    for steps in [5, 500] {
        let start = Instant::now();
        let result = call(steps, Duration::from_millis(200));
        println!(
            "{steps} steps: {result:?} after {:.2}s",
            start.elapsed().as_secs_f64()
        );
    }
}
