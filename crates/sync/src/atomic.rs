//! Atomics: a counter without a lock (section 5.6; Go's `sync/atomic`).
//!
//! `fetch_add` is one indivisible read-modify-write, like Go's `atomic.AddInt64`: fifty threads
//! adding a thousand each always make 50,000. A separate load and store is not an increment: two
//! threads can load the same value and both store it plus one, and one update is lost.

use chanlab_common::Cx;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

/// How many threads count in the step.
pub const THREADS: usize = 50;
/// How many increments each thread makes.
pub const PER_THREAD: usize = 1000;

/// Starts `threads` threads together, each applying `increment` to one counter `per_thread`
/// times; returns the final count.
fn count(threads: usize, per_thread: usize, increment: impl Fn(&AtomicUsize) + Sync) -> usize {
    let count = AtomicUsize::new(0);
    // Start together: a thread that finished before the next one started could lose nothing.
    let start = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start.wait();
                for _ in 0..per_thread {
                    increment(&count);
                }
            });
        }
    });
    // Relaxed is enough here and above: the increments need no order among themselves, and the
    // scope's join makes them all visible to this load.
    count.load(Ordering::Relaxed)
}

/// `threads` threads each add one `per_thread` times with `fetch_add`; returns the total, which is
/// always `threads * per_thread`.
pub fn count_with_fetch_add(threads: usize, per_thread: usize) -> usize {
    // ANCHOR: fetch_add
    count(threads, per_thread, |count| {
        count.fetch_add(1, Ordering::Relaxed); // Go: atomic.AddInt64(&count, 1)
    })
    // ANCHOR_END: fetch_add
}

/// The same count with a load and then a store: each is atomic, the pair is not, so increments
/// can be lost. Returns at most `threads * per_thread`, often less.
pub fn count_with_load_store(threads: usize, per_thread: usize) -> usize {
    // ANCHOR: load_store
    count(threads, per_thread, |count| {
        let seen = count.load(Ordering::Relaxed);
        // Another thread may store between these two lines; its update is then lost.
        count.store(seen + 1, Ordering::Relaxed);
    })
    // ANCHOR_END: load_store
}

// ANCHOR: claim
/// `threads` threads race to claim one slot with `compare_exchange` (Go's
/// `atomic.CompareAndSwapInt32`); returns how many won, which is always one.
pub fn claim_once(threads: usize) -> usize {
    let claimed = AtomicBool::new(false);
    let winners = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                // Succeeds only for the thread that finds `false` and swaps in `true`.
                if claimed
                    .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
                {
                    winners.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    winners.load(Ordering::Relaxed)
}
// ANCHOR_END: claim

/// 50 threads x 1000 `fetch_add`s, three times: 50000 each time. The same with load + store, which
/// can lose updates; and a compare-and-swap that exactly one of 50 threads wins.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let expected = THREADS * PER_THREAD;
    let runs: Vec<String> = (0..3)
        .map(|_| count_with_fetch_add(THREADS, PER_THREAD).to_string())
        .collect();
    cx.say(format!(
        "fetch_add, {THREADS} threads x {PER_THREAD}, three runs: {}",
        runs.join(", ")
    ));
    let racy: Vec<usize> = (0..3)
        .map(|_| count_with_load_store(THREADS, PER_THREAD))
        .collect();
    let lost: Vec<String> = racy.iter().map(|n| (expected - n).to_string()).collect();
    cx.say(format!(
        "load then store, three runs: {racy:?}; updates lost: {}",
        lost.join(", ")
    ));
    cx.say("(how many are lost depends on the run; any number, zero included, is possible)");
    cx.say(format!(
        "compare_exchange: {} of {THREADS} threads claimed the slot",
        claim_once(THREADS)
    ));
    Ok(())
}
