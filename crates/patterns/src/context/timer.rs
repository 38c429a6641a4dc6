//! The thread that ends contexts at their deadlines: one for every context in the process.
//!
//! Pending deadlines sit in a map ordered by time. The thread, `context timer`, sleeps until the
//! earliest one, ends that context and looks again; it is started by the first deadline and
//! exits as soon as the map is empty, so it never outlives the contexts it times. A context that
//! ends early (cancelled, or its parent ended) removes its entry and, if it was the last, wakes
//! the thread so it exits at once.
//!
//! Under `--cfg chanlab_loom` there is no timer: the models fire a deadline by calling `end` themselves,
//! exactly as this thread does.

use super::Node;
use std::sync::Weak;
use std::time::Instant;

/// A deadline in the timer's map, kept by its context so it can take it out again.
#[derive(Debug)]
#[cfg_attr(chanlab_loom, allow(dead_code))]
pub(super) struct Entry {
    deadline: Instant,
    id: u64,
}

#[cfg(not(chanlab_loom))]
mod imp {
    use super::*;
    use crate::context::ContextError;
    use parking_lot::{Condvar, Mutex, MutexGuard};
    use std::collections::BTreeMap;
    use std::thread;

    struct Timers {
        /// Every pending deadline, earliest first, with the context it ends.
        due: BTreeMap<(Instant, u64), Weak<Node>>,
        /// Whether the timer thread is running; it sets this to false as it exits, under the lock.
        running: bool,
    }

    static TIMERS: Mutex<Timers> = Mutex::new(Timers {
        due: BTreeMap::new(),
        running: false,
    });
    /// Signalled when the earliest deadline changes or the map empties.
    static CHANGED: Condvar = Condvar::new();

    /// Ends `node` at `deadline`, starting the timer thread if it is not running.
    pub(in crate::context) fn schedule(deadline: Instant, id: u64, node: Weak<Node>) -> Entry {
        let mut timers = TIMERS.lock();
        let earliest = timers.due.first_key_value().map(|(&(at, _), _)| at);
        timers.due.insert((deadline, id), node);
        if !timers.running {
            let started = thread::Builder::new()
                .name("context timer".to_owned())
                .spawn(run);
            if let Err(e) = started {
                timers.due.remove(&(deadline, id));
                drop(timers);
                panic!("could not start the context timer thread: {e}");
            }
            timers.running = true;
        } else if earliest.is_none_or(|at| deadline < at) {
            CHANGED.notify_one(); // the thread sleeps until a later deadline: wake it sooner
        }
        Entry { deadline, id }
    }

    /// Takes a deadline off the list; the timer thread exits if it was the last.
    pub(in crate::context) fn cancel(entry: Entry) {
        let mut timers = TIMERS.lock();
        timers.due.remove(&(entry.deadline, entry.id));
        if timers.due.is_empty() {
            CHANGED.notify_one();
        }
    }

    /// The timer thread's loop.
    fn run() {
        let mut timers = TIMERS.lock();
        loop {
            let Some((&(deadline, id), _)) = timers.due.first_key_value() else {
                timers.running = false; // under the lock: the next schedule starts a new thread
                return;
            };
            if deadline > Instant::now() {
                CHANGED.wait_until(&mut timers, deadline);
                continue;
            }
            let node = timers.due.remove(&(deadline, id));
            // Ending a context takes its descendants' deadlines off the list, which needs the
            // lock: end it without holding it.
            MutexGuard::unlocked(&mut timers, || {
                if let Some(node) = node.and_then(|n| n.upgrade()) {
                    node.end(ContextError::DeadlineExceeded);
                }
            });
        }
    }
}

#[cfg(chanlab_loom)]
mod imp {
    use super::*;

    pub(in crate::context) fn schedule(deadline: Instant, id: u64, _node: Weak<Node>) -> Entry {
        Entry { deadline, id }
    }

    pub(in crate::context) fn cancel(_entry: Entry) {}
}

pub(super) use imp::{cancel, schedule};
