//! A memo cache: a concurrent cache in front of an expensive function, with duplicate
//! suppression (section 5.8; the concurrent memo of *The Go Programming Language*, section 9.7).
//!
//! The first caller for a key computes it; callers that ask for the same key meanwhile wait for
//! that one computation instead of starting their own, and later callers get the stored value.
//! Different keys compute in parallel: the cache's lock is held only to look a key up, never
//! while computing.

use chanlab_sync::shim::{Condvar, Mutex};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::Arc;
#[cfg(feature = "lesson")]
use {
    chanlab_common::Cx,
    std::thread,
    std::time::{Duration, Instant},
};

// ANCHOR: memo
/// A cache of `compute(key)` that computes each key once, even when many threads ask at once.
///
/// ```
/// use chanlab_patterns::Memo;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// let calls = AtomicUsize::new(0);
/// let lengths = Memo::new(|word: &str| {
///     calls.fetch_add(1, Ordering::Relaxed);
///     word.len()
/// });
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| assert_eq!(lengths.get("gopher"), 6));
///     }
/// });
/// assert_eq!(calls.load(Ordering::Relaxed), 1); // four callers, one computation
/// ```
///
/// # Panics
///
/// If `compute` panics, the panic goes on in the caller that ran it, and every caller that was
/// waiting for that key panics too, with a message saying so: none of them hangs. The key is
/// not cached, so a later call computes it again. `compute` must not ask the memo for the key it
/// is computing, which would wait for itself.
///
/// ```
/// use chanlab_patterns::Memo;
/// use std::panic::{AssertUnwindSafe, catch_unwind};
///
/// let fragile = Memo::new(|n: u32| if n == 0 { panic!("zero") } else { 100 / n });
/// assert!(catch_unwind(AssertUnwindSafe(|| fragile.get(0))).is_err());
/// assert_eq!(fragile.get(4), 25); // the memo still works
/// ```
pub struct Memo<K, V, F> {
    compute: F,
    entries: Mutex<HashMap<K, Arc<Entry<V>>>>,
}

/// One key's value, or the wait for it.
struct Entry<V> {
    state: Mutex<State<V>>,
    /// Notified once, when the state leaves `Computing`.
    settled: Condvar,
}

enum State<V> {
    Computing,
    Ready(V),
    Panicked,
}

impl<K, V, F> Memo<K, V, F>
where
    K: Eq + Hash + Clone,
    V: Clone,
    F: Fn(K) -> V,
{
    /// An empty cache in front of `compute`.
    pub fn new(compute: F) -> Memo<K, V, F> {
        Memo {
            compute,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// `compute(key)`, computed by this call if no other call has computed it or is computing it.
    pub fn get(&self, key: K) -> V {
        let (entry, first) = {
            let mut entries = self.entries.lock();
            match entries.get(&key) {
                Some(entry) => (Arc::clone(entry), false),
                None => {
                    let entry = Arc::new(Entry {
                        state: Mutex::new(State::Computing),
                        settled: Condvar::new(),
                    });
                    entries.insert(key.clone(), Arc::clone(&entry));
                    (entry, true)
                }
            }
        }; // the cache's lock is released: other keys go ahead while this one computes
        if first {
            let unwinding = Unwinding {
                memo: self,
                key: &key,
                entry: &entry,
            };
            let value = (self.compute)(key.clone());
            std::mem::forget(unwinding); // it returned: no cleanup for a panic
            entry.settle(State::Ready(value.clone()));
            return value;
        }
        let mut state = entry.state.lock();
        loop {
            match &*state {
                State::Computing => state = entry.settled.wait(state),
                State::Ready(value) => return value.clone(),
                State::Panicked => {
                    drop(state);
                    panic!("Memo: computing this key panicked in another thread");
                }
            }
        }
    }
}

impl<V> Entry<V> {
    fn settle(&self, outcome: State<V>) {
        *self.state.lock() = outcome;
        self.settled.notify_all();
    }
}

/// Dropped only while `compute` unwinds: forgets the key and wakes its waiters.
struct Unwinding<'a, K: Eq + Hash, V, F> {
    memo: &'a Memo<K, V, F>,
    key: &'a K,
    entry: &'a Arc<Entry<V>>,
}

impl<K: Eq + Hash, V, F> Drop for Unwinding<'_, K, V, F> {
    fn drop(&mut self) {
        self.memo.entries.lock().remove(self.key);
        self.entry.settle(State::Panicked);
    }
}
// ANCHOR_END: memo

impl<K, V, F> fmt::Debug for Memo<K, V, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.entries.lock().len();
        f.debug_struct("Memo")
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

/// Six callers ask at once for three keys of a half-second function; then again, from the cache.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: run
    let slow_square = Memo::new(|n: u64| {
        let half_second = Duration::from_millis(500);
        cx.say(format!(
            "computing {n}², which takes {}",
            cx.secs(half_second)
        ));
        cx.sleep(half_second);
        n * n
    });
    let start = Instant::now();
    let ask = |keys: [u64; 6]| {
        thread::scope(|s| {
            keys.into_iter().enumerate().try_for_each(|(i, n)| {
                let slow_square = &slow_square;
                thread::Builder::new()
                    .name(format!("caller {}", i + 1))
                    .spawn_scoped(s, move || {
                        let square = slow_square.get(n);
                        let at = cx.secs_since_start();
                        cx.say(format!("got {n}² = {square} at {at:.1}"));
                    })
                    .map(drop)
            })
        })
    };
    ask([3, 4, 3, 3, 4, 5])?;
    // ANCHOR_END: run
    cx.say(format!(
        "6 calls, 3 computations, all done at {:.1}: the same key waited for one computation, \
         different keys ran side by side",
        cx.secs_taken(start.elapsed())
    ));
    let again = Instant::now();
    ask([5, 4, 3, 3, 4, 5])?;
    cx.say(format!(
        "asked again: answered from the cache in {:.1}",
        cx.secs_taken(again.elapsed())
    ));
    Ok(())
}

/// Loom models: every interleaving of a few threads, up to `LOOM_MAX_PREEMPTIONS` preemptions.
#[cfg(all(test, chanlab_loom))]
mod models {
    use super::Memo;
    use chanlab_sync::shim::Mutex;
    use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use loom::thread;
    use std::collections::HashMap;
    // std's Arc, as in chanlab-sync's models: a loom Arc dropped while loom unwinds a failed
    // model aborts the test process instead of failing the model.
    use std::sync::Arc;

    type Compute = Box<dyn Fn(u32) -> u32 + Send + Sync>;

    /// What the model needs of a cache, so it checks the real one and a broken one.
    trait Cache: Send + Sync + 'static {
        fn new(compute: Compute) -> Self;
        fn get(&self, key: u32) -> u32;
    }

    impl Cache for Memo<u32, u32, Compute> {
        fn new(compute: Compute) -> Self {
            Memo::new(compute)
        }
        fn get(&self, key: u32) -> u32 {
            Memo::get(self, key)
        }
    }

    /// A deliberately broken cache: it looks the key up and stores the value in two separate
    /// critical sections, so two callers can both miss and both compute. It proves the model
    /// below can fail.
    struct ChecksThenInserts(Mutex<HashMap<u32, u32>>, Compute);

    impl Cache for ChecksThenInserts {
        fn new(compute: Compute) -> Self {
            ChecksThenInserts(Mutex::new(HashMap::new()), compute)
        }
        fn get(&self, key: u32) -> u32 {
            if let Some(value) = self.0.lock().get(&key) {
                return *value;
            }
            let value = (self.1)(key);
            self.0.lock().insert(key, value);
            value
        }
    }

    /// Two threads ask for one key while a third asks for another: each key is computed once,
    /// and both callers of the first get its value.
    fn each_key_computes_once<C: Cache>() {
        loom::model(|| {
            let calls = Arc::new(AtomicUsize::new(0));
            let counted = Arc::clone(&calls);
            let cache = Arc::new(C::new(Box::new(move |n| {
                counted.fetch_add(1, SeqCst);
                n * 10
            })));
            let ask = |key| {
                let cache = Arc::clone(&cache);
                thread::spawn(move || cache.get(key))
            };
            let (same, other) = (ask(7), ask(1));
            assert_eq!(cache.get(7), 70);
            assert_eq!(same.join().unwrap(), 70);
            assert_eq!(other.join().unwrap(), 10);
            assert_eq!(calls.load(SeqCst), 2, "a key was computed twice");
        });
    }

    #[test]
    fn memo_computes_each_key_once() {
        each_key_computes_once::<Memo<u32, u32, Compute>>();
    }

    #[test]
    #[should_panic(expected = "a key was computed twice")]
    fn the_model_catches_a_cache_that_computes_a_key_twice() {
        each_key_computes_once::<ChecksThenInserts>();
    }
}
