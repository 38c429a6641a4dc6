//! Races: the data race Rust refuses to compile, and the logic race it cannot see (section 5.10).
//!
//! Go finds data races at run time, when a program built with `-race` happens to hit one. Rust
//! rejects them at compile time: two threads may not both hold a `&mut` to the same value, so
//! this does not build:
//!
//! ```compile_fail,E0499
#![doc = include_str!("../compile_fail/data_race.rs")]
//! ```
//!
//! What the compiler cannot see is a *logic* race: every access is safe on its own, but a
//! read and the write that depends on it are two steps, and another thread can act in between.
//! The classic is a lost update.

use chanlab_common::Cx;
use crossbeam_channel::bounded;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

// ANCHOR: lost_update
/// Adds 1 to `counter`, `times` times, reading and writing in two steps: each is atomic, the
/// pair is not, so two threads running this lose updates.
pub fn add_racily(counter: &AtomicU64, times: u64) {
    for _ in 0..times {
        let seen = counter.load(Ordering::Relaxed);
        // Another thread may add here; the store below then overwrites its update.
        counter.store(seen + 1, Ordering::Relaxed);
    }
}
// ANCHOR_END: lost_update

// ANCHOR: fetch_add
/// Adds 1 to `counter`, `times` times, each a single atomic read-modify-write: nothing is lost.
pub fn add(counter: &AtomicU64, times: u64) {
    for _ in 0..times {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: fetch_add

/// Runs `add` on `threads` threads, `times` each, and returns the final count. The threads
/// start together, so they really do overlap instead of one finishing before the next starts.
pub fn count_with(threads: usize, times: u64, add: fn(&AtomicU64, u64)) -> u64 {
    let counter = AtomicU64::new(0);
    let start = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start.wait();
                add(&counter, times)
            });
        }
    });
    counter.into_inner()
}

/// Forces the losing interleaving of two increments, step by step, so it happens every time.
///
/// A reads, lets B run, and writes only after B has finished: B's update is overwritten. Each
/// thread pauses a tenth of a second before each step, slow motion for `--timeline`.
pub fn lost_update_step_by_step(cx: &Cx) -> std::io::Result<u64> {
    let pause = || cx.sleep(Duration::from_millis(100));
    // ANCHOR: interleaving
    let counter = AtomicU64::new(0);
    let (a_has_read, b_may_run) = bounded::<()>(0);
    let (b_is_done, a_may_write) = bounded::<()>(0);
    thread::scope(|s| -> std::io::Result<()> {
        thread::Builder::new()
            .name("A".into())
            .spawn_scoped(s, || {
                let seen = counter.load(Ordering::Relaxed);
                cx.say(format!("read {seen}"));
                let _ = a_has_read.send(()); // let B run between A's read and A's write
                let _ = a_may_write.recv();
                pause();
                counter.store(seen + 1, Ordering::Relaxed);
                cx.say(format!("wrote {}", seen + 1));
            })?;
        thread::Builder::new()
            .name("B".into())
            .spawn_scoped(s, || {
                let _ = b_may_run.recv();
                pause();
                let seen = counter.load(Ordering::Relaxed);
                cx.say(format!("read {seen}"));
                pause();
                counter.store(seen + 1, Ordering::Relaxed);
                cx.say(format!("wrote {}", seen + 1));
                let _ = b_is_done.send(());
            })?;
        Ok(())
    })?;
    // ANCHOR_END: interleaving
    Ok(counter.into_inner())
}

/// Threads adding to one counter, per thread.
pub const TIMES: u64 = 1_000_000;

/// The losing interleaving forced, then left to chance, then fixed with `fetch_add`.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let count = lost_update_step_by_step(cx)?;
    cx.say(format!(
        "main: two increments, count = {count}: A's write overwrote B's"
    ));

    let expected = 2 * TIMES;
    let racy = count_with(2, TIMES, add_racily);
    let verdict = if racy < expected {
        format!("{} updates lost", expected - racy)
    } else {
        "none lost this time: a race hides, run it again".to_owned()
    };
    cx.say(format!(
        "main: 2 threads x {TIMES} load-then-store increments: {racy} of {expected}, {verdict}"
    ));
    let exact = count_with(2, TIMES, add);
    cx.say(format!(
        "main: 2 threads x {TIMES} fetch_add increments: {exact} of {expected}"
    ));
    Ok(())
}
