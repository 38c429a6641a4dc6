//! `Condvar`: wait, without spinning, until a condition holds (section 5.6; Go's `sync.Cond`).
//!
//! A condition variable goes with a mutex. The waiter locks, checks its condition, and if it does
//! not hold calls `wait`, which unlocks, sleeps until notified, and locks again. Always wait in a
//! loop: by the time the waiter runs again another thread may have changed the state, and a
//! waiter can also wake with no notification at all. Go's `Signal` is `notify_one`, its
//! `Broadcast` is `notify_all`.

use chanlab_common::Cx;
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::thread;
use std::time::Duration;

// ANCHOR: queue
/// A first-in first-out queue of bounded capacity: `push` waits while it is full, `pop` while it
/// is empty. (A bounded channel does this for you; this is how one can be built.)
///
/// ```
/// let queue = chanlab_sync::cond::BoundedQueue::new(2);
/// queue.push(1);
/// queue.push(2); // full now: a third push would wait for a pop
/// assert_eq!(queue.pop(), 1);
/// assert_eq!(queue.len(), 1);
/// ```
#[derive(Debug)]
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_empty: Condvar,
    not_full: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue holding at most `capacity` items.
    ///
    /// # Panics
    /// If `capacity` is zero: every `push` would wait forever.
    pub fn new(capacity: usize) -> BoundedQueue<T> {
        assert!(
            capacity > 0,
            "a BoundedQueue needs room for at least one item"
        );
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Adds `item` at the back, waiting while the queue is full.
    pub fn push(&self, item: T) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            self.not_full.wait(&mut items); // unlocks, sleeps, locks again
        }
        items.push_back(item);
        self.not_empty.notify_one(); // Go: cond.Signal()
    }

    /// Takes the item at the front, waiting while the queue is empty.
    pub fn pop(&self) -> T {
        let mut items = self.items.lock();
        loop {
            if let Some(item) = items.pop_front() {
                self.not_full.notify_one();
                return item;
            }
            self.not_empty.wait(&mut items);
        }
    }

    /// How many items are queued now.
    pub fn len(&self) -> usize {
        self.items.lock().len()
    }

    /// Whether the queue is empty now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: queue

/// The queue's capacity in the step.
pub const CAPACITY: usize = 2;
/// How many items the producer pushes.
pub const ITEMS: u32 = 5;

/// A producer fills a queue of two at once and then waits for a consumer that starts after a
/// second; then a gate that three runners wait at opens for all of them with one `notify_all`.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: produce
    let queue = BoundedQueue::new(CAPACITY);
    thread::scope(|s| {
        s.spawn(|| {
            for n in 1..=ITEMS {
                queue.push(n);
                cx.say(format!("pushed {n}"));
            }
        });
        s.spawn(|| {
            cx.sleep(Duration::from_secs(1)); // meanwhile the queue fills and the producer waits
            for _ in 1..=ITEMS {
                cx.say(format!("popped {}", queue.pop()));
                cx.sleep(Duration::from_millis(200));
            }
        });
    });
    // ANCHOR_END: produce

    // ANCHOR: broadcast
    let gate = (Mutex::new(false), Condvar::new());
    thread::scope(|s| {
        for id in 1..=3 {
            let (open, opened) = (&gate.0, &gate.1);
            s.spawn(move || {
                let mut is_open = open.lock();
                while !*is_open {
                    opened.wait(&mut is_open);
                }
                drop(is_open);
                cx.say(format!("runner {id} goes"));
            });
        }
        cx.sleep(Duration::from_millis(500));
        let mut is_open = gate.0.lock();
        *is_open = true;
        cx.say("gate open"); // said under the lock, so before any runner can see it open
        drop(is_open);
        gate.1.notify_all(); // Go: cond.Broadcast(): every waiter wakes
    });
    // ANCHOR_END: broadcast
    Ok(())
}
