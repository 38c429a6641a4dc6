//! Lab `drop_when_full` (course section 5.5): a non-blocking send that drops the message when the
//! buffer is full.
//!
//! A publisher that must never stall (a UI thread, a metrics emitter) cannot wait for a slow
//! subscriber. Go writes `select { case ch <- msg: default: }`; crossbeam has `try_send`, and
//! `select!` with a `default` arm. Make `publish` never block.
//!
//! Check: `cargo xtask lab check drop_when_full`. Experiment: `cargo xtask lab run drop_when_full`.
//! The tests live in `labs/tests/drop_when_full.rs`: read them, don't edit them.

use crossbeam::channel::{Sender, bounded};

/// Publishes events to one subscriber without ever waiting for it.
pub struct Publisher {
    events: Sender<String>,
    dropped: usize,
}

impl Publisher {
    /// A publisher sending on `events`; the channel's capacity is how far the subscriber may lag.
    pub fn new(events: Sender<String>) -> Self {
        Publisher { events, dropped: 0 }
    }

    /// Offers `event` to the subscriber without waiting: `true` if it was queued, `false` if it
    /// was dropped because the buffer is full or the subscriber has gone.
    pub fn publish(&mut self, event: &str) -> bool {
        // TODO: `send` waits while the buffer is full. Use `try_send` (or `select!` with a
        // `default` arm), and count each event that could not be queued in `self.dropped`.
        self.events.send(event.to_string()).is_ok()
    }

    /// How many events have been dropped so far.
    pub fn dropped(&self) -> usize {
        self.dropped
    }
}

fn main() {
    let (tx, rx) = bounded(3);
    let mut publisher = Publisher::new(tx);
    for i in 1..=5 {
        let queued = publisher.publish(&format!("event {i}"));
        println!("event {i}: {}", if queued { "queued" } else { "dropped" });
    }
    println!(
        "{} dropped; the subscriber gets {:?}",
        publisher.dropped(),
        rx.try_iter().collect::<Vec<_>>()
    );
}
