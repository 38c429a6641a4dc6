//! `OnceLock` and `Once`: many threads, one initialisation (section 5.6; Go's `sync.Once`).
//!
//! Go's `once.Do(f)` runs `f` the first time and never again; callers that arrive while `f` runs
//! wait for it. std's [`OnceLock`] does the same and keeps the value `f` made (Go's
//! `sync.OnceValue`); [`Once`] is the bare `once.Do` for a side effect; `LazyLock` puts a
//! `OnceLock` behind a `static` that initialises itself on first use.

use chanlab_common::Cx;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};
use std::thread;
use std::time::Duration;

/// How many threads ask for the value in the step.
pub const THREADS: usize = 8;

/// Eight threads ask for a configuration that takes a second to load: one loads it, the others
/// wait for it and get the same value. Then `Once` runs a set-up exactly once.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: once_lock
    let config: OnceLock<String> = OnceLock::new();
    let loads = AtomicUsize::new(0);
    thread::scope(|s| {
        for id in 1..=THREADS {
            let (config, loads) = (&config, &loads);
            s.spawn(move || {
                let value = config.get_or_init(|| {
                    loads.fetch_add(1, Ordering::SeqCst);
                    cx.say(format!("thread {id} loads the config"));
                    cx.sleep(Duration::from_secs(1));
                    String::from("port=8000")
                });
                cx.say(format!("thread {id} sees {value:?}"));
            });
        }
    });
    cx.say(format!(
        "{THREADS} threads asked, the config was loaded {} time(s)",
        loads.load(Ordering::SeqCst)
    ));
    // ANCHOR_END: once_lock

    // ANCHOR: once
    let setup = Once::new();
    let runs = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                setup.call_once(|| {
                    // Go: once.Do(func() { ... })
                    runs.fetch_add(1, Ordering::SeqCst);
                });
            });
        }
    });
    cx.say(format!(
        "Once::call_once from {THREADS} threads ran the set-up {} time(s)",
        runs.load(Ordering::SeqCst)
    ));
    // ANCHOR_END: once
    Ok(())
}
