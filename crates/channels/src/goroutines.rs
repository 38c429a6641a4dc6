//! Goroutines are threads here: spawn, join, scoped threads, and what "cheap" costs (section 5.2).

use crate::limits::{Cause, SpawnError};
use chanlab_common::{Cx, Exit};
use crossbeam_channel::bounded;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The stack each thread of [`spawn_many`] gets: small, as a goroutine's is, yet roomy enough
/// for ordinary code. (Go starts a goroutine with 2 KiB and grows it; a thread's stack is fixed.)
pub const SMALL_STACK: usize = 64 * 1024;

/// What spawning many threads at once cost.
#[derive(Debug, Clone, Copy)]
pub struct SpawnReport {
    /// Threads spawned.
    pub threads: usize,
    /// Time to spawn all of them.
    pub spawn: Duration,
    /// Time to release and join all of them.
    pub join: Duration,
    /// The most threads that were running at the same moment.
    pub peak: usize,
    /// How much the process's resident memory grew while they were all alive, where the system
    /// says (`/proc` on Linux).
    pub resident_growth: Option<u64>,
}

impl SpawnReport {
    /// Spawn time divided by the number of threads.
    pub fn per_spawn(&self) -> Duration {
        self.spawn / self.threads.max(1) as u32
    }

    /// Resident memory growth divided by the number of threads, in bytes.
    pub fn resident_per_thread(&self) -> Option<u64> {
        Some(self.resident_growth? / self.threads.max(1) as u64)
    }
}

/// The resident set size of this process in bytes (`VmRSS`), where `/proc` tells.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

// ANCHOR: spawn_many
/// Spawns `n` threads with `stack` bytes of stack each, keeps every one alive until the last has
/// started, then releases and joins them all.
///
/// Every thread counts itself in while alive, so `peak` is what really ran side by side.
///
/// When the threads would not fit, it stops short of the limit they would reach (see [`limits`](crate::limits)),
/// or at the first thread the system refuses; either way it releases and joins the threads it
/// started, and its error holds a [`SpawnError`]: how many started, why no more, and the limit to
/// blame.
///
/// ```
/// let report = chanlab_channels::goroutines::spawn_many(100, 64 * 1024).unwrap();
/// assert_eq!(report.peak, 100);
/// ```
pub fn spawn_many(n: usize, stack: usize) -> std::io::Result<SpawnReport> {
    // Read once: the threads this call starts are what uses the room up.
    let room = crate::limits::thread_room();
    let live = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    // Every thread blocks on this channel until it disconnects: dropping `release` frees them all.
    let (release, gate) = bounded::<()>(0);
    let resident_before = resident_bytes();
    let started = Instant::now();
    let (spawn, resident_growth, join) = thread::scope(|s| -> Result<_, SpawnError> {
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            if let Some(limit) = room.as_ref().filter(|limit| i as u64 >= limit.room) {
                drop(release); // the scope joins the threads started so far
                let cause = Cause::NoRoom(limit.clone());
                return Err(SpawnError {
                    started: i,
                    wanted: n,
                    cause,
                });
            }
            let handle = thread::Builder::new()
                .stack_size(stack)
                .spawn_scoped(s, || {
                    let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    let _ = gate.recv(); // nothing is ever sent: returns on disconnect
                    live.fetch_sub(1, Ordering::SeqCst);
                });
            match handle {
                Ok(handle) => handles.push(handle),
                Err(error) => {
                    drop(release);
                    return Err(SpawnError::refused(i, n, error));
                }
            }
        }
        // Wait until every thread is running before letting any of them go.
        while live.load(Ordering::SeqCst) < n {
            thread::yield_now();
        }
        let spawn = started.elapsed();
        let growth = resident_bytes()
            .zip(resident_before)
            .map(|(now, before)| now.saturating_sub(before));
        drop(release);
        let joining = Instant::now();
        for handle in handles {
            handle.join().expect("a spawned thread panicked");
        }
        Ok((spawn, growth, joining.elapsed()))
    })
    .map_err(std::io::Error::other)?;
    Ok(SpawnReport {
        threads: n,
        spawn,
        join,
        peak: peak.load(Ordering::SeqCst),
        resident_growth,
    })
}
// ANCHOR_END: spawn_many

/// The number of threads the step spawns unless told otherwise.
pub const DEFAULT_THREADS: usize = 10_000;

/// Largest count the step accepts.
pub const MAX_THREADS: usize = 100_000;

/// `go f()` is `thread::spawn(f)`; `join` waits and hands back the result; scoped threads may
/// borrow; then spawn 10,000 at once and measure what "cheap" costs. Optional argument: the count.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let n = match cx.args() {
        [] => DEFAULT_THREADS,
        [count] => match count.parse::<usize>() {
            Ok(n) if (1..=MAX_THREADS).contains(&n) => n,
            _ => {
                let message = format!("thread count must be 1..={MAX_THREADS}, not {count:?}");
                return Err(Exit::usage(message).into());
            }
        },
        _ => return Err(Exit::usage("goroutines takes at most one argument: the count").into()),
    };

    // ANCHOR: spawn
    let worker = thread::spawn(|| (1..=10u64).product::<u64>());
    let factorial = worker.join().expect("the worker panicked");
    // ANCHOR_END: spawn
    cx.say(format!("spawned a thread and joined it: 10! = {factorial}"));

    // ANCHOR: scoped
    let words = ["goroutines", "are", "threads", "here"];
    let lengths: Vec<usize> = thread::scope(|s| {
        let handles: Vec<_> = words.iter().map(|w| s.spawn(move || w.len())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // ANCHOR_END: scoped
    cx.say(format!(
        "scoped threads borrowed local words and measured them: {lengths:?}"
    ));

    let report = spawn_many(n, SMALL_STACK)?;
    cx.say(format!(
        "spawned {} threads with {} KiB stacks in {:.1?}: {:.1?} per spawn",
        report.threads,
        SMALL_STACK / 1024,
        report.spawn,
        report.per_spawn()
    ));
    cx.say(format!("peak threads alive at once: {}", report.peak));
    cx.say(format!(
        "released and joined them all in {:.1?}",
        report.join
    ));
    cx.say("a goroutine starts in well under a microsecond with a 2 KiB stack; a thread costs a system call and a fixed stack");
    Ok(())
}
