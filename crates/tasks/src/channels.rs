//! Channels between tasks: tokio's `mpsc` and `oneshot`, and the rendezvous Go's unbuffered
//! channel gives, which tokio has no channel for (section 5.3).

#[cfg(feature = "lesson")]
use chanlab_common::Cx;
use tokio::sync::{mpsc, oneshot};

// ANCHOR: rendezvous
/// A channel with no buffer, as Go's `make(chan T)`: a send completes only once a receiver has
/// taken the value.
///
/// tokio's smallest `mpsc` channel holds one value, so a sender could run ahead of its receiver by
/// one. Here each value travels with a `oneshot` acknowledgement that the receiver answers as it
/// takes the value, and the sender waits for it.
///
/// ```
/// use chanlab_tasks::channels::rendezvous;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = rendezvous();
/// let sender = tokio::spawn(async move {
///     tx.send("ping").await.unwrap(); // returns once the receiver has it
///     "sent"
/// });
/// assert_eq!(rx.recv().await, Some("ping"));
/// assert_eq!(sender.await.unwrap(), "sent");
/// assert_eq!(rx.recv().await, None); // every sender is gone: closed
/// # }
/// ```
pub fn rendezvous<T>() -> (RendezvousSender<T>, RendezvousReceiver<T>) {
    let (tx, rx) = mpsc::channel(1);
    (RendezvousSender { tx }, RendezvousReceiver { rx })
}

/// The sending half of a [`rendezvous`] channel; clone it for more senders.
#[derive(Debug)]
pub struct RendezvousSender<T> {
    tx: mpsc::Sender<(T, oneshot::Sender<()>)>,
}

/// The receiving half of a [`rendezvous`] channel.
#[derive(Debug)]
pub struct RendezvousReceiver<T> {
    rx: mpsc::Receiver<(T, oneshot::Sender<()>)>,
}

/// A send that no receiver took: the receiver was dropped first. Go would block forever here;
/// the value is dropped with the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the receiver is gone: nobody took the value")
    }
}

impl std::error::Error for Closed {}

impl<T> RendezvousSender<T> {
    /// Sends `value` and waits until a receiver has taken it.
    ///
    /// Cancel-safety: dropping the future once the value is queued does not take it back; a
    /// receiver may still get it.
    pub async fn send(&self, value: T) -> Result<(), Closed> {
        let (ack, taken) = oneshot::channel();
        self.tx.send((value, ack)).await.map_err(|_| Closed)?;
        taken.await.map_err(|_| Closed)
    }
}

impl<T> Clone for RendezvousSender<T> {
    fn clone(&self) -> Self {
        RendezvousSender {
            tx: self.tx.clone(),
        }
    }
}

impl<T> RendezvousReceiver<T> {
    /// Takes the next value, releasing its sender; `None` once every sender is gone.
    pub async fn recv(&mut self) -> Option<T> {
        let (value, ack) = self.rx.recv().await?;
        let _ = ack.send(()); // the sender may have given up waiting: the value is ours anyway
        Some(value)
    }
}
// ANCHOR_END: rendezvous

#[cfg(feature = "lesson")]
/// A buffered `mpsc` and what fills it, closing by dropping the senders, a `oneshot` reply, then
/// a rendezvous whose sender waits for its receiver.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    use std::time::Duration;
    use tokio::sync::mpsc::error::TrySendError;
    crate::runtime(2)?.block_on(async {
        // ANCHOR: buffered
        let (tx, mut rx) = mpsc::channel::<u32>(3); // make(chan uint32, 3)
        for n in 1..=3 {
            tx.send(n).await?; // room in the buffer: no waiting
        }
        let full = matches!(tx.try_send(4), Err(TrySendError::Full(4)));
        // ANCHOR_END: buffered
        cx.say(format!(
            "sent 3 into a channel of capacity {}: {} free, another try_send full: {full}",
            tx.max_capacity(),
            tx.capacity()
        ));

        // ANCHOR: close
        drop(tx); // close(ch): the last Sender is gone
        while let Some(n) = rx.recv().await {
            cx.say(format!("received {n}"));
        }
        cx.say("recv() gave None: closed and drained, Go's ok == false");
        let (tx, rx) = mpsc::channel::<u32>(1);
        drop(rx);
        let refused = tx.send(5).await.is_err(); // Go panics here; tokio hands the value back
        // ANCHOR_END: close
        cx.say(format!(
            "a send with the receiver gone is an error, not a panic: {refused}"
        ));

        // ANCHOR: oneshot
        let (reply, answer) = oneshot::channel();
        tokio::spawn(async move {
            let _ = reply.send(6 * 7); // one value, once: a reply
        });
        let answer = answer.await?;
        // ANCHOR_END: oneshot
        cx.say(format!("a oneshot carried one reply: {answer}"));

        // ANCHOR: handoff
        let (tx, mut rx) = rendezvous();
        let sender = tokio::spawn({
            let cx = cx.clone();
            async move {
                cx.say("sender: sending 1");
                tx.send(1).await?;
                cx.say("sender: sent 1, the receiver has it");
                anyhow::Ok(())
            }
        });
        let second = cx.secs(Duration::from_secs(1));
        tokio::time::sleep(second.real()).await;
        cx.say(format!("receiver: ready after {second}"));
        let value = rx.recv().await;
        cx.say(format!("receiver: took {value:?}"));
        sender.await??;
        // ANCHOR_END: handoff
        cx.say(format!(
            "the send waited {second} for its receiver, as on Go's unbuffered channel"
        ));
        Ok(())
    })
}
