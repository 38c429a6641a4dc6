//! `for v := range ch` is `for v in &rx`: it ends when the channel is closed and drained (section 5.3).

use chanlab_common::Cx;
use crossbeam_channel::{Receiver, Sender, bounded};
use std::thread;
use std::time::Duration;

// ANCHOR: range
/// Sends the first `n` squares, then closes the channel by returning (dropping `tx`).
pub fn squares(n: u64, tx: Sender<u64>) {
    for i in 1..=n {
        if tx.send(i * i).is_err() {
            return;
        }
    }
}

/// Sums everything the channel carries until it is closed.
pub fn sum(rx: &Receiver<u64>) -> u64 {
    let mut total = 0;
    for v in rx {
        total += v;
    }
    total
}
// ANCHOR_END: range

/// A producer closes, the consumer's loop ends; keep one `Sender` alive and the loop would wait
/// forever, so the step shows that too, with a timeout in place of the hang.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let (tx, rx) = bounded(0);
    let total = thread::scope(|s| {
        s.spawn(move || squares(10, tx));
        sum(&rx)
    });
    cx.say(format!(
        "sum of the first 10 squares, received until close: {total}"
    ));

    // ANCHOR: forgotten
    // The classic hang: a forgotten Sender keeps the channel open, and `for v in &rx` never ends.
    let (tx, rx) = bounded::<u64>(16);
    let forgotten = tx.clone();
    squares(3, tx);
    let mut got = Vec::new();
    while let Ok(v) = rx.recv_timeout(cx.scaled(Duration::from_millis(500))) {
        got.push(v);
    }
    cx.say(format!(
        "with a Sender still alive: got {got:?}, then nothing: a range loop would hang here"
    ));
    drop(forgotten);
    cx.say(format!("after dropping it, the loop ends: {:?}", rx.recv()));
    // ANCHOR_END: forgotten
    Ok(())
}
