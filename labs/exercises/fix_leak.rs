//! Lab `fix_leak` (course section 5.10): find and fix a thread leak.
//!
//! A cache starts a janitor thread that sweeps out expired entries. Drop the cache, and the janitor
//! sweeps on — for ever, once per cache ever made. Every thread needs an exit strategy: give this
//! one a way to hear that the cache is gone, and wait for it to end.
//!
//! Check: `cargo xtask lab check fix_leak`. Experiment: `cargo xtask lab run fix_leak`.
//! The tests live in `labs/tests/fix_leak.rs`: read them, don't edit them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

type Entries = Arc<Mutex<HashMap<String, (String, Instant)>>>;

/// A map whose entries expire `ttl` after they were inserted.
pub struct Cache {
    entries: Entries,
    ttl: Duration,
}

impl Cache {
    /// An empty cache; a janitor thread sweeps expired entries out every `ttl / 2`.
    pub fn new(ttl: Duration) -> Cache {
        let entries = Entries::default();
        let swept = entries.clone();
        // TODO: this thread never ends, and nothing waits for it: a leak. Give it a way to hear
        // that the cache is gone (a channel whose `Sender` the cache holds: `recv_timeout` is both
        // the pause between sweeps and the ear), keep its `JoinHandle` in the cache, and add an
        // `impl Drop for Cache` that closes the channel and joins the janitor.
        thread::spawn(move || {
            loop {
                thread::sleep(ttl / 2);
                swept
                    .lock()
                    .unwrap()
                    .retain(|_, (_, expires)| *expires > Instant::now());
            }
        });
        Cache { entries, ttl }
    }

    /// Inserts `value` under `key`, to expire after the cache's time to live.
    pub fn insert(&self, key: &str, value: &str) {
        let expires = Instant::now() + self.ttl;
        self.entries
            .lock()
            .unwrap()
            .insert(key.to_string(), (value.to_string(), expires));
    }

    /// The value under `key`, unless it has expired.
    pub fn get(&self, key: &str) -> Option<String> {
        let entries = self.entries.lock().unwrap();
        let (value, expires) = entries.get(key)?;
        (*expires > Instant::now()).then(|| value.clone())
    }

    /// How many entries the cache holds (expired ones linger until the janitor's next sweep).
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }

    /// Whether the cache holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn main() {
    for round in 1..=3 {
        let cache = Cache::new(Duration::from_millis(100));
        cache.insert("answer", "42");
        println!("round {round}: {:?}", cache.get("answer"));
    }
    // Three caches made and dropped: how many janitors are still sweeping?
    thread::sleep(Duration::from_millis(300));
}
