//! Closing a channel: drop every `Sender`; what Go does with `close` and `ok`, Rust does with
//! `Result` (section 5.3).
//!
//! Go panics when a channel is closed twice; in Rust closing is dropping, and a value cannot be
//! dropped twice:
//!
//! ```compile_fail,E0382
#![doc = include_str!("../compile_fail/close_twice.rs")]
//! ```

use chanlab_common::Cx;
use crossbeam_channel::{TryRecvError, bounded};

/// Each way closing differs between Go and Rust, shown in turn.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: close
    let (tx, rx) = bounded::<i32>(2);
    tx.send(1)?;
    tx.send(2)?;
    drop(tx); // Go: close(ch)
    // Values sent before the close are still delivered...
    cx.say(format!("after close: {:?}, {:?}", rx.recv(), rx.recv()));
    // ...then recv reports the close, where Go's `v, ok := <-ch` gives the zero value and false.
    match rx.recv() {
        Ok(v) => cx.say(format!("unexpected value {v}")),
        Err(e) => cx.say(format!(
            "drained and closed: recv() = Err({e}), Go's ok == false"
        )),
    }
    // ANCHOR_END: close
    let empty = bounded::<i32>(1);
    let state = |r: Result<i32, TryRecvError>| match r {
        Ok(v) => format!("value {v}"),
        Err(TryRecvError::Empty) => "Empty (open, nothing yet)".to_owned(),
        Err(TryRecvError::Disconnected) => "Disconnected (closed and drained)".to_owned(),
    };
    cx.say(format!(
        "try_recv on an open, empty channel: {}",
        state(empty.1.try_recv())
    ));
    cx.say(format!(
        "try_recv on a closed, drained one: {}",
        state(rx.try_recv())
    ));

    // ANCHOR: last_sender
    let (tx, rx) = bounded::<&str>(4);
    let tx2 = tx.clone();
    drop(tx);
    tx2.send("still open")?; // one Sender left: the channel is open
    cx.say(format!("one of two senders dropped: {:?}", rx.try_recv()));
    drop(tx2);
    cx.say(format!("the last sender dropped: {:?}", rx.try_recv()));
    // ANCHOR_END: last_sender

    // ANCHOR: send_after_close
    let (tx, rx) = bounded::<String>(1);
    drop(rx); // every Receiver gone
    match tx.send("lost?".to_owned()) {
        // Go panics on a send to a closed channel; here the send fails and returns the value.
        Err(e) => cx.say(format!(
            "send with no receiver left: Err, the value comes back: {:?}",
            e.0
        )),
        Ok(()) => cx.say("unexpected: the send succeeded"),
    }
    // ANCHOR_END: send_after_close
    cx.say("closing twice panics in Go; in Rust a dropped Sender cannot be dropped again (see the doctest)");
    Ok(())
}
