//! A timeout is one more arm of the select: `after(d)`, `default(d)`, or `recv_timeout` (section 5.5).

use chanlab_common::Cx;
use crossbeam_channel::{RecvTimeoutError, after, bounded, select};
use std::thread;
use std::time::Duration;

/// Receives from `rx`, giving up after `timeout`: the course's `select` with `time.After`.
///
/// ```
/// use crossbeam_channel::bounded;
/// use std::time::Duration;
///
/// let (_tx, rx) = bounded::<i32>(0);
/// assert_eq!(chanlab_select::timeout::recv_within(&rx, Duration::from_millis(10)), None);
/// ```
// ANCHOR: recv_within
pub fn recv_within<T>(rx: &crossbeam_channel::Receiver<T>, timeout: Duration) -> Option<T> {
    select! {
        recv(rx) -> msg => msg.ok(),
        recv(after(timeout)) -> _ => None, // Go: case <-time.After(timeout)
    }
}
// ANCHOR_END: recv_within

/// A 2 s job raced against a 1 s timeout, three ways; then what happens to the job.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: timeout
    // Capacity 1: when nobody is left to receive, the late worker's send still succeeds and the
    // worker ends. With capacity 0 it would block forever: Go's classic goroutine leak.
    let (tx, rx) = bounded::<&str>(1);
    let worker = thread::spawn({
        let cx = cx.clone();
        move || {
            cx.sleep(Duration::from_secs(2));
            let _ = tx.send("result");
        }
    });
    let d = Duration::from_secs(1);
    match recv_within(&rx, cx.scaled(d)) {
        Some(result) => cx.say(format!("Got result: {result}")),
        None => cx.say(format!(
            "Timeout! after(d) won the select, d = {}",
            cx.secs(d)
        )),
    }
    // ANCHOR_END: timeout

    // ANCHOR: other_ways
    // The same deadline, said two other ways.
    let d = Duration::from_millis(500);
    select! {
        recv(rx) -> msg => cx.say(format!("Got result: {msg:?}")),
        default(cx.scaled(d)) => cx.say(format!("Timeout! select's default(d) arm, d = {}", cx.secs(d))),
    }
    let d = Duration::from_millis(250);
    match rx.recv_timeout(cx.scaled(d)) {
        Ok(result) => cx.say(format!("Got result: {result}")),
        Err(RecvTimeoutError::Timeout) => {
            cx.say(format!("Timeout! recv_timeout(d), d = {}", cx.secs(d)))
        }
        Err(RecvTimeoutError::Disconnected) => cx.say("the worker hung up"),
    }
    // ANCHOR_END: other_ways
    // A timeout ends the wait, not the work: the worker is still running.
    worker.join().expect("the worker ends by itself");
    cx.say(format!(
        "the worker finished anyway at {:.1}; its result is still buffered: {:?}",
        cx.secs_since_start(),
        rx.try_recv()
    ));
    Ok(())
}
