//! Go's unbuffered channel for tasks: a send completes once a receiver has the value. The
//! pipeline stages and [`merge`](crate::merge) run on it.
//!
//! tokio's smallest `mpsc` holds one value and pays for a semaphore and a block list on every
//! send; [`channels::rendezvous`](crate::channels::rendezvous) builds a rendezvous from tokio's
//! parts and pays for a `oneshot` per value on top. This one is what Go's `hchan` does for an
//! unbuffered channel, under one lock: a sender that finds the receiver waiting hands the value
//! straight to it and goes on; otherwise it parks with its value until the receiver takes it. A
//! hop through a pipeline costs one task switch per side, and `cargo xtask bench pipeline` shows
//! it beside tokio's `mpsc` and kanal's rendezvous (bench/README.md, *tokio tasks*).
//!
//! Many senders (clone the [`Sender`]), one [`Receiver`]; parked senders are served in the order
//! they came. Nothing is lost to a cancelled future: a value handed to a `recv` that is dropped
//! before it returns (the other branch of a `select!` won) is what the next `recv` returns, and a
//! `send` dropped while its value is parked takes the value back with it. One difference from
//! Go's `select`: the receiver takes a parked value without waiting for its sender to run, so a
//! `send` dropped after that moment has delivered its value even though it never returned `Ok`.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
pub use tokio::sync::mpsc::error::SendError;

/// A new unbuffered channel: `make(chan T)`.
///
/// ```
/// use chanlab_tasks::unbuffered;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = unbuffered::channel();
/// let sender = tokio::spawn(async move {
///     tx.send("ping").await.unwrap(); // returns once the receiver has it
///     tx.send("pong").await.unwrap();
/// }); // tx is dropped as the task ends: the channel closes
/// assert_eq!(rx.recv().await, Some("ping"));
/// assert_eq!(rx.recv().await, Some("pong"));
/// assert_eq!(rx.recv().await, None); // closed, and nothing left
/// sender.await.unwrap();
/// # }
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            handed: None,
            parked: VecDeque::new(),
            receiver: None,
            next_ticket: 0,
            senders: 1,
            receiver_gone: false,
        }),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

/// The sending half; clone it for more senders. The channel closes when the last is dropped.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// The receiving half; dropping it makes every send, waiting or to come, an error.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    /// A value a sender handed to the waiting receiver, which has not picked it up yet.
    handed: Option<T>,
    /// Senders waiting for the receiver, each with its value, oldest first.
    parked: VecDeque<Parked<T>>,
    /// The receiver's waker while it waits for a value; `Some` only when `handed` is empty and
    /// nobody is parked.
    receiver: Option<Waker>,
    next_ticket: u64,
    senders: usize,
    receiver_gone: bool,
}

/// A sender waiting for the receiver, with its value.
struct Parked<T> {
    ticket: u64,
    value: T,
    waker: Waker,
}

impl<T> Shared<T> {
    /// The state; no code of a user's runs under this lock, so a poisoned one is still sound.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Keeps `waker` up to date with the task now polling.
fn register(waker: &mut Waker, cx: &Context<'_>) {
    if !waker.will_wake(cx.waker()) {
        waker.clone_from(cx.waker());
    }
}

impl<T> Sender<T> {
    /// Sends `value` and returns once the receiver has it: handed over if the receiver was
    /// waiting, or taken from this sender as it waited. `Err` gives the value back when the
    /// receiver is gone (Go would block forever).
    ///
    /// Dropping the future before it completes withdraws the value if it is still parked; if the
    /// receiver has taken it already, it is delivered all the same.
    ///
    /// ```
    /// use chanlab_tasks::unbuffered;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = unbuffered::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5).await.unwrap_err().0, 5);
    /// # }
    /// ```
    pub fn send(&self, value: T) -> SendFuture<'_, T> {
        SendFuture {
            shared: &self.shared,
            value: Some(value),
            ticket: None,
        }
    }
}

/// The future of [`Sender::send`].
#[must_use = "a send does nothing unless awaited"]
pub struct SendFuture<'a, T> {
    shared: &'a Shared<T>,
    /// The value, until it is handed over or parked.
    value: Option<T>,
    /// While parked: which entry of `parked` is ours.
    ticket: Option<u64>,
}

// The value is moved out, never pinned in place.
impl<T> Unpin for SendFuture<'_, T> {}

impl<T> Future for SendFuture<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.shared.lock();
        if let Some(ticket) = self.ticket {
            let Some(at) = state.parked.iter().position(|p| p.ticket == ticket) else {
                self.ticket = None; // the receiver took it
                return Poll::Ready(Ok(()));
            };
            if state.receiver_gone {
                let parked = state.parked.remove(at).expect("found just now");
                self.ticket = None;
                return Poll::Ready(Err(SendError(parked.value)));
            }
            register(&mut state.parked[at].waker, cx);
            return Poll::Pending;
        }
        let value = self.value.take().expect("a send polled after it completed");
        if state.receiver_gone {
            return Poll::Ready(Err(SendError(value)));
        }
        if let Some(receiver) = state.receiver.take() {
            state.handed = Some(value);
            drop(state);
            receiver.wake();
            return Poll::Ready(Ok(()));
        }
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.parked.push_back(Parked {
            ticket,
            value,
            waker: cx.waker().clone(),
        });
        self.ticket = Some(ticket);
        Poll::Pending
    }
}

impl<T> Drop for SendFuture<'_, T> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            let mut state = self.shared.lock();
            let at = state.parked.iter().position(|p| p.ticket == ticket);
            let withdrawn = at.and_then(|at| state.parked.remove(at));
            drop(state);
            drop(withdrawn); // the value's own drop runs outside the lock
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.lock().senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.senders -= 1;
        let receiver = match state.senders {
            0 => state.receiver.take(),
            _ => None,
        };
        drop(state);
        if let Some(receiver) = receiver {
            receiver.wake(); // to see the channel closed
        }
    }
}

impl<T> Receiver<T> {
    /// The next value: the one handed over, else the oldest parked sender's, else the next to
    /// come. `None` once every sender is gone and nothing is left.
    ///
    /// Cancel-safe: a value handed over while this future waited, which is then dropped (the
    /// other branch of a `select!` won), is what the next `recv` returns.
    pub fn recv(&mut self) -> RecvFuture<'_, T> {
        RecvFuture {
            shared: &self.shared,
            waiting: false,
        }
    }
}

/// The future of [`Receiver::recv`].
#[must_use = "a recv does nothing unless awaited"]
pub struct RecvFuture<'a, T> {
    shared: &'a Shared<T>,
    /// Whether our waker is registered, to take it back if we are dropped first.
    waiting: bool,
}

impl<T> Future for RecvFuture<'_, T> {
    type Output = Option<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let poll = self.shared.poll_recv(cx);
        self.waiting = poll.is_pending();
        poll
    }
}

impl<T> Shared<T> {
    /// The receiver's side of the channel: a value if one is there, else its waker registered.
    fn poll_recv(&self, cx: &Context<'_>) -> Poll<Option<T>> {
        let mut state = self.lock();
        if let Some(value) = state.handed.take() {
            return Poll::Ready(Some(value));
        }
        if let Some(parked) = state.parked.pop_front() {
            drop(state);
            parked.waker.wake(); // its send is done
            return Poll::Ready(Some(parked.value));
        }
        if state.senders == 0 {
            return Poll::Ready(None);
        }
        match &mut state.receiver {
            Some(waker) => register(waker, cx),
            none => *none = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

/// A receiver is a stream of the values, as tokio-stream's `ReceiverStream` makes tokio's: it
/// fits `StreamMap` and `StreamExt`. A stream that is no longer polled stays registered as
/// waiting, so a sender may hand it one more value, which the next poll returns.
impl<T> tokio_stream::Stream for Receiver<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.shared.poll_recv(cx)
    }
}

impl<T> Drop for RecvFuture<'_, T> {
    fn drop(&mut self) {
        if self.waiting {
            // No sender may take us for waiting any more; a value already handed stays.
            self.shared.lock().receiver = None;
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.receiver_gone = true;
        let handed = state.handed.take();
        let wakers: Vec<Waker> = state.parked.iter().map(|p| p.waker.clone()).collect();
        drop(state);
        drop(handed);
        // Each parked send wakes to find the receiver gone and takes its value back.
        wakers.into_iter().for_each(Waker::wake);
    }
}

impl<T> std::fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("unbuffered::Sender").finish_non_exhaustive()
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("unbuffered::Receiver")
            .finish_non_exhaustive()
    }
}
