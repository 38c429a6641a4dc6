//! The error channel: a worker sends back its result, success or error, and the caller waits for
//! it or for a timeout, whichever comes first (section 5.8).
//!
//! Go's version makes the channel buffered, `make(chan error, 1)`, so that a worker finishing
//! after the caller has given up can still complete its send and exit, instead of blocking
//! forever with nobody reading. In Rust the caller's `Receiver` is dropped when it gives up, and
//! a send with no receiver left fails at once, so the late worker exits either way; the buffer
//! still matters whenever the receiver outlives the wait.

use crossbeam_channel::{RecvTimeoutError, bounded};
use std::thread;
use std::time::Duration;
#[cfg(feature = "lesson")]
use {chanlab_common::Cx, std::time::Instant};

/// Why [`call_with_timeout`] has no value.
#[derive(Debug, PartialEq, Eq)]
pub enum WorkError<E> {
    /// The work returned an error.
    Failed(E),
    /// The work did not finish in time; it may still be running.
    TimedOut(Duration),
    /// The work panicked.
    Panicked,
    /// The operating system could not start the worker thread.
    Spawn(String),
}

impl<E: std::fmt::Display> std::fmt::Display for WorkError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkError::Failed(e) => write!(f, "work failed: {e}"),
            WorkError::TimedOut(after) => write!(f, "work timed out after {after:?}"),
            WorkError::Panicked => f.write_str("the worker panicked"),
            WorkError::Spawn(e) => write!(f, "could not start a worker thread: {e}"),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for WorkError<E> {}

// ANCHOR: call
/// Runs `work` on a new thread named `worker` and returns its result, or
/// [`WorkError::TimedOut`] if it takes longer than `timeout`.
///
/// A thread cannot be killed: after a timeout the worker runs on until `work` returns, and its
/// result is dropped. Give `work` a [`Context`](crate::Context) to make it stop early.
///
/// ```
/// use chanlab_patterns::error_channel::{WorkError, call_with_timeout};
/// use std::time::Duration;
///
/// let second = Duration::from_secs(1);
/// assert_eq!(call_with_timeout(second, || Ok::<_, String>(42)), Ok(42));
/// assert_eq!(
///     call_with_timeout(second, || Err::<(), _>("work failed")),
///     Err(WorkError::Failed("work failed"))
/// );
/// let slow = call_with_timeout(Duration::from_millis(10), || {
///     std::thread::sleep(Duration::from_millis(200));
///     Ok::<_, String>(())
/// });
/// assert_eq!(slow, Err(WorkError::TimedOut(Duration::from_millis(10))));
/// ```
pub fn call_with_timeout<T, E, F>(timeout: Duration, work: F) -> Result<T, WorkError<E>>
where
    T: Send + 'static,
    E: Send + 'static,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    let (tx, rx) = bounded(1); // Go: errCh := make(chan error, 1)
    thread::Builder::new()
        .name("worker".to_owned())
        .spawn(move || {
            let _ = tx.send(work()); // fails only if the caller has given up
        })
        .map_err(|e| WorkError::Spawn(e.to_string()))?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result.map_err(WorkError::Failed),
        Err(RecvTimeoutError::Timeout) => Err(WorkError::TimedOut(timeout)),
        // The worker's `Sender` dropped without a send: `work` unwound.
        Err(RecvTimeoutError::Disconnected) => Err(WorkError::Panicked),
    }
}
// ANCHOR_END: call

/// Three calls with a one-second timeout: one succeeds, one fails, one is too slow.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let timeout = cx.scaled(Duration::from_secs(1));
    let report = |what: &str, outcome: Result<&str, WorkError<&str>>| match outcome {
        Ok(value) => cx.say(format!("{what}: ok, {value}")),
        Err(WorkError::TimedOut(after)) => cx.say(format!(
            "{what}: timed out after {:.1}",
            cx.secs_taken(after)
        )),
        Err(e) => cx.say(format!("{what}: {e}")),
    };

    let work_cx = cx.clone();
    let outcome = call_with_timeout(timeout, move || {
        work_cx.sleep(Duration::from_millis(200));
        Ok("work done")
    });
    report("fast work", outcome);

    let work_cx = cx.clone();
    let outcome = call_with_timeout(timeout, move || {
        work_cx.sleep(Duration::from_millis(200));
        Err("disk full")
    });
    report("failing work", outcome);

    // ANCHOR: late
    let start = Instant::now();
    let (finished, worker_finished) = bounded::<()>(0);
    let work_cx = cx.clone();
    let outcome = call_with_timeout(timeout, move || {
        work_cx.sleep(Duration::from_secs(3));
        drop(finished); // tells the step below that the work is over
        Ok("too late")
    });
    report("slow work", outcome);
    let _ = worker_finished.recv(); // disconnects when the work returns
    // ANCHOR_END: late
    cx.say(format!(
        "the slow worker finished at {:.1}; its send found no receiver, failed, and the thread ended",
        cx.secs_taken(start.elapsed())
    ));
    Ok(())
}
