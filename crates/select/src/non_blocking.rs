//! Non-blocking operations: `try_recv`, `try_send`, and `select!` with `default` (section 5.5).

use chanlab_common::Cx;
use crossbeam_channel::{TrySendError, bounded, select};

/// The course's non-blocking receive and send, then the same on a channel with room.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: non_blocking
    let (messages_tx, messages) = bounded::<&str>(0);
    select! {
        recv(messages) -> msg => cx.say(format!("Received message: {msg:?}")),
        default => cx.say("No message received"),
    }
    let msg = "hello";
    // Unbuffered and no receiver waiting: a send would block, so the default arm runs.
    select! {
        send(messages_tx, msg) -> _ => cx.say(format!("Sent message: {msg}")),
        default => cx.say("Cannot send message"),
    }
    // ANCHOR_END: non_blocking

    // ANCHOR: methods
    // The same operations as methods, which say why they failed.
    match messages_tx.try_send(msg) {
        Ok(()) => cx.say("try_send: sent"),
        Err(TrySendError::Full(m)) => cx.say(format!("try_send: Full, {m:?} handed back")),
        Err(TrySendError::Disconnected(m)) => {
            cx.say(format!("try_send: Disconnected, {m:?} handed back"))
        }
    }
    cx.say(format!("try_recv: {:?}", messages.try_recv()));
    // ANCHOR_END: methods

    // With room in a buffer the non-blocking send succeeds, and the receive finds it.
    let (tx, rx) = bounded::<&str>(1);
    select! {
        send(tx, msg) -> _ => cx.say(format!("Sent message: {msg} (capacity 1 had room)")),
        default => cx.say("Cannot send message"),
    }
    select! {
        recv(rx) -> got => cx.say(format!("Received message: {}", got?)),
        default => cx.say("No message received"),
    }
    Ok(())
}
