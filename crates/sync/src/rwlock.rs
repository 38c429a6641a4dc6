//! `RwLock`: many readers at once, or one writer (section 5.6; Go's `sync.RWMutex`).
//!
//! `read()` is Go's `RLock`: any number of readers may hold it together. `write()` is `Lock`: it
//! waits until no one holds the lock, and keeps everyone else out. Use it for data that is read
//! far more often than written; for data written as often as read a `Mutex` is simpler and faster.

use chanlab_common::Cx;
use parking_lot::RwLock;
use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How many readers the step runs.
pub const READERS: usize = 4;
/// How many writers the step runs.
pub const WRITERS: usize = 2;

/// Counts the threads inside a section and remembers the most at once.
#[derive(Debug, Default)]
struct Occupancy {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Occupancy {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

/// Four readers hold the lock together (they meet at a barrier while holding it, which would
/// deadlock under a `Mutex`), so four 1 s reads take 1 s; two 1 s writes take 2 s, one at a time.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let config = RwLock::new(String::from("v1"));

    // ANCHOR: readers
    let start = Instant::now();
    let all_reading = Barrier::new(READERS);
    let readers = Occupancy::default();
    thread::scope(|s| {
        for id in 1..=READERS {
            let (config, all_reading, readers) = (&config, &all_reading, &readers);
            s.spawn(move || {
                let value = config.read(); // Go: mu.RLock()
                readers.enter();
                all_reading.wait(); // every reader is inside, together
                cx.say(format!("reader {id} reads {}", *value));
                cx.sleep(Duration::from_secs(1));
                readers.leave();
            }); // Go: mu.RUnlock(), as the guard drops
        }
    });
    cx.say(format!(
        "{READERS} readers, {} inside at once: {:.1} for {READERS} reads of {}",
        readers.most(),
        cx.secs_taken(start.elapsed()),
        cx.secs(Duration::from_secs(1))
    ));
    // ANCHOR_END: readers

    // ANCHOR: writers
    let start = Instant::now();
    let writers = Occupancy::default();
    thread::scope(|s| {
        for id in 1..=WRITERS {
            let (config, writers) = (&config, &writers);
            s.spawn(move || {
                let mut value = config.write(); // Go: mu.Lock()
                writers.enter();
                *value = format!("v{}", id + 1);
                cx.say(format!("writer {id} wrote {}", *value));
                cx.sleep(Duration::from_secs(1));
                writers.leave();
            }); // Go: mu.Unlock()
        }
    });
    cx.say(format!(
        "{WRITERS} writers, {} inside at once: {:.1} for {WRITERS} writes of {}",
        writers.most(),
        cx.secs_taken(start.elapsed()),
        cx.secs(Duration::from_secs(1))
    ));
    // ANCHOR_END: writers
    cx.say(format!("config is now {}", *config.read()));
    Ok(())
}
