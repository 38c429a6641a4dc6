// Mistake: a leak. On a timeout it returns without stopping or joining the worker, which computes on.

use crossbeam::channel::{Receiver, RecvTimeoutError, after, bounded, select};
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
    thread::spawn(move || {
        // Nobody will ever stop this computation.
        let (_never_closed, stop) = bounded::<()>(0);
        // Buffered by one: the worker can always deliver its answer and end, even to nobody.
        let _ = answer_tx.send(compute(steps, &stop));
    });
    let outcome = select! {
        recv(answer) -> result => match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(reason)) => Err(CallError::Failed(reason)),
            Err(_) => Err(CallError::Failed("the worker ended without answering".into())),
        },
        recv(after(limit)) -> _ => Err(CallError::TimedOut),
    };
    // The worker finishes by itself; its answer goes into the buffer, to nobody.
    outcome
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
