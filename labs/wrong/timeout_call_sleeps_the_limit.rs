// Mistake: it sleeps for the whole limit, then looks for the answer, so even a quick call takes the whole limit.

use crossbeam::channel::{Receiver, RecvTimeoutError, bounded};
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
    let (stop_tx, stop) = bounded::<()>(0);
    let worker = thread::spawn(move || {
        // Buffered by one: the worker can always deliver its answer and end, even to nobody.
        let _ = answer_tx.send(compute(steps, &stop));
    });
    thread::sleep(limit);
    let outcome = match answer.try_recv() {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(reason)) => Err(CallError::Failed(reason)),
        Err(_) => Err(CallError::TimedOut),
    };
    // Closing `stop` tells the worker nobody waits any more; it notices within one step.
    drop(stop_tx);
    worker.join().expect("the worker panicked");
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
