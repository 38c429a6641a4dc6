// Mistake: a fixed cut-off. When the buffer is full it waits up to a millisecond for room before dropping the event.

use crossbeam::channel::{Sender, bounded};
use std::time::Duration;

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
        // Full or disconnected: either way the event is not delivered, and we don't wait.
        let queued = self
            .events
            .send_timeout(event.to_string(), Duration::from_millis(1))
            .is_ok();
        if !queued {
            self.dropped += 1;
        }
        queued
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
