// Mistake: Drop sets a stop flag and joins, but the janitor only looks at the flag between sleeps, so the drop waits up to a sweep.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

type Entries = Arc<Mutex<HashMap<String, (String, Instant)>>>;

/// A map whose entries expire `ttl` after they were inserted.
pub struct Cache {
    entries: Entries,
    ttl: Duration,
    /// Set to tell the janitor the cache is gone.
    stop: Arc<AtomicBool>,
    janitor: Option<JoinHandle<()>>,
}

impl Cache {
    /// An empty cache; a janitor thread sweeps expired entries out every `ttl / 2`.
    pub fn new(ttl: Duration) -> Cache {
        let entries = Entries::default();
        let swept = entries.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let janitor = thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                thread::sleep(ttl / 2);
                swept
                    .lock()
                    .unwrap()
                    .retain(|_, (_, expires)| *expires > Instant::now());
            }
        });
        Cache {
            entries,
            ttl,
            stop,
            janitor: Some(janitor),
        }
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

impl Drop for Cache {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(janitor) = self.janitor.take() {
            let _ = janitor.join();
        }
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
