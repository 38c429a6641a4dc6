//! Channel directions are types: `Sender<T>` can only send, `Receiver<T>` only receive (section 5.3).
//!
//! Go narrows a `chan T` to `chan<- T` or `<-chan T` in a function's parameters; crossbeam's
//! `bounded` hands out the two ends as different types from the start, so a function that should
//! only send takes a `Sender` and cannot receive, and the compiler refuses the mistake:
//!
//! ```compile_fail,E0599
#![doc = include_str!("../compile_fail/send_on_receiver.rs")]
//! ```
//!
//! ```compile_fail,E0599
#![doc = include_str!("../compile_fail/recv_on_sender.rs")]
//! ```

use chanlab_common::Cx;
use crossbeam_channel::{Receiver, Sender, bounded};
use std::thread;

// ANCHOR: directions
/// Sends a few greetings, then closes the channel by dropping its `Sender` (it owns it).
pub fn sender(tx: Sender<String>) {
    for word in ["hello", "world"] {
        if tx.send(word.to_owned()).is_err() {
            return; // every receiver is gone: nobody to greet
        }
    }
} // `tx` dropped here: Go's close(ch)

/// Receives until the channel closes, returning what it got.
pub fn receiver(rx: Receiver<String>) -> Vec<String> {
    rx.iter().collect() // Go: for msg := range ch
}
// ANCHOR_END: directions

/// A sender-only function and a receiver-only function joined by one channel.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let (tx, rx) = bounded(0);
    let received = thread::scope(|s| {
        s.spawn(move || sender(tx));
        receiver(rx)
    });
    for msg in &received {
        cx.say(format!("Received: {msg}"));
    }
    cx.say("sender() took a Sender and receiver() a Receiver: the types are the directions");
    cx.say("receiving on a Sender or sending on a Receiver does not compile (see the doctest)");
    Ok(())
}
