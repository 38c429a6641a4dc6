//! Probes for the mistakes that still give the right values: a loop that polls instead of
//! blocking ([`cpu_used`]), a pool of the wrong size or a thread per item ([`count_threads`]), a
//! race whose window is a few instructions wide ([`race`] starts the contenders together), a
//! race whose damage is repaired before the end ([`watch`]), a stage that runs ahead of its reader
//! ([`feed`]).
//!
//! Each runs inside [`within`](crate::within) or [`no_threads_left`](crate::no_threads_left),
//! around the part of a test it measures. The threads a probe starts belong to the harness: they
//! are never counted as the code's, nor left behind. Where the system has no `/proc`, the probes
//! that read it return `None` and a test skips its claim.

use crate::tasks::{self, HarnessThread, Sched};
use crossbeam::channel::{Receiver, SendTimeoutError, bounded};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How busy the threads of the test were while a probe ran.
#[derive(Debug, Clone, Copy)]
pub struct CpuUse {
    /// Time on the clock.
    pub wall: Duration,
    /// CPU time used by the threads.
    pub cpu: Duration,
    /// Time the threads were ready to run: on a core, or waiting in line for one.
    pub ready: Duration,
    /// Times a thread gave up its core to wait (a sleep, a channel, a lock): once per message
    /// or tick for code that blocks until there is work.
    pub waits: u64,
    /// Times a thread lost its core while it could still run: preempted, or yielding. Code that
    /// blocks runs a moment after each wake-up and is rarely preempted; a loop that polls and
    /// yields is, over and over.
    pub preempted: u64,
}

/// Above this share of the time (in cores) ready to run, waiting code is polling, if it also
/// uses [`BUSY_CPU`] or is [`BUSY_PREEMPTED`]. Ready time alone is not enough: on a crowded
/// machine a thread that blocks properly may wait long in line after each wake-up.
const BUSY_READY: f64 = 0.5;
/// The share of one core above which ready code is polling: a blocked wait uses a fraction of a
/// percent, a polling loop its share of a core even with a dozen others competing for two.
const BUSY_CPU: f64 = 0.03;
/// Preemptions a second above which ready code is polling (a loop that yields gives its core
/// away hundreds of times a second).
const BUSY_PREEMPTED: f64 = 20.0;
/// Waits a second above which waiting code is polling with a sleep. Code that blocks waits once
/// per message or tick it waits for.
const BUSY_WAITS: f64 = 100.0;
/// How often [`cpu_used`] samples the threads, so as to count those that end meanwhile.
const SAMPLE_EVERY: Duration = Duration::from_millis(2);

impl CpuUse {
    /// How many cores' worth of time the threads were ready to run, on average.
    pub fn ready_share(&self) -> f64 {
        self.ready.as_secs_f64() / self.seconds()
    }

    fn seconds(&self) -> f64 {
        self.wall.as_secs_f64().max(1e-9)
    }

    /// Whether the threads polled: ready to run most of the time, and using CPU or giving their
    /// core away all the time (a sleep in a loop shows as [`CpuUse::waits`] instead).
    pub fn polled(&self) -> bool {
        self.ready_share() >= BUSY_READY
            && (self.cpu.as_secs_f64() / self.seconds() >= BUSY_CPU
                || self.preempted as f64 / self.seconds() >= BUSY_PREEMPTED)
    }

    /// Panics if the code did not idle while it `waited` (what it waited for, in a student's
    /// words): threads always ready to run mean a loop that polls, many waits a loop that polls
    /// with a sleep. Call it on a window in which the code under test has nothing to do but wait.
    #[track_caller]
    pub fn assert_idle(&self, waited: &str) {
        assert!(
            !self.polled(),
            "your code kept a core {:.0}% busy while it {waited} (ready to run {:?} of {:?}, \
             {:?} of it on a core, given up {} times): it polls, with a loop around try_recv or \
             try_lock, or a select! that keeps firing on a closed channel. Block instead: recv, \
             a select! without a default arm, a Condvar",
            (self.ready_share() * 100.0).min(100.0),
            self.ready,
            self.wall,
            self.cpu,
            self.preempted
        );
        assert!(
            (self.waits as f64 / self.seconds()) < BUSY_WAITS,
            "your code woke up {} times in {:?} while it {waited}: it polls with a sleep in a \
             loop. Block instead (recv, a select!, a Condvar) and let the message wake you",
            self.waits,
            self.wall
        );
    }
}

/// Runs `f` and says how busy the threads of the test were meanwhile (the harness's left out),
/// or `None` without `/proc`. Threads that end meanwhile count up to their last sample, taken
/// every couple of milliseconds.
pub fn cpu_used<T>(f: impl FnOnce() -> T) -> (T, Option<CpuUse>) {
    let me = tasks::current();
    let Some(first) = sample(me) else {
        return (f(), None);
    };
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        thread::spawn(move || {
            let _harness = HarnessThread::enter();
            // The latest figures of every thread seen, by id.
            let mut latest: Vec<(u64, Sched)> = Vec::new();
            loop {
                let last = stop.load(Ordering::SeqCst);
                for (tid, now) in sample(me).unwrap_or_default() {
                    match latest.iter_mut().find(|(t, _)| *t == tid) {
                        Some((_, seen)) => *seen = now,
                        None => latest.push((tid, now)),
                    }
                }
                if last {
                    return latest;
                }
                thread::sleep(SAMPLE_EVERY);
            }
        })
    };
    let start = Instant::now();
    let value = f();
    let wall = start.elapsed();
    stop.store(true, Ordering::SeqCst);
    let Ok(latest) = sampler.join() else {
        return (value, None);
    };
    let mut used = CpuUse {
        wall,
        cpu: Duration::ZERO,
        ready: Duration::ZERO,
        waits: 0,
        preempted: 0,
    };
    for (tid, now) in latest {
        let before = first.iter().find(|(t, _)| *t == tid).map(|(_, s)| *s);
        let this = now.since(before.unwrap_or_default());
        used.cpu += this.cpu;
        used.ready += this.ready;
        used.waits += this.waits;
        used.preempted += this.preempted;
    }
    (value, Some(used))
}

/// The scheduler's figures for the threads of the test being run: `me` (the thread that runs the
/// code under test) and the others it started, the harness's left out.
fn sample(me: Option<u64>) -> Option<Vec<(u64, Sched)>> {
    // Called from the sampler too, which is the harness's: `me` names the code's thread.
    let mut threads = tasks::this_tests();
    threads.extend(me.filter(|me| !threads.contains(me)));
    let figures: Vec<_> = threads
        .into_iter()
        .filter_map(|tid| Some((tid, tasks::sched(tid)?)))
        .collect();
    (!figures.is_empty()).then_some(figures)
}

/// Threads the code started while a probe ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadCount {
    /// How many different threads were seen. The threads are listed over and over, but one that
    /// lives only microseconds may fall between two looks: this is at least how many were
    /// started, never more.
    pub started: usize,
    /// The most that were alive at once.
    pub most_at_once: usize,
}

/// Runs `f` and counts the threads started meanwhile (by `f`, or by threads it started), or
/// `None` without `/proc`. Threads the test itself starts inside `f` count too: measure around
/// the call to the code under test alone. A thread of the harness lists the threads without a
/// pause while `f` runs (it keeps a core busy): keep `f` short.
pub fn count_threads<T>(f: impl FnOnce() -> T) -> (T, Option<ThreadCount>) {
    let Some(before) = tasks::every() else {
        return (f(), None);
    };
    let stop = Arc::new(AtomicBool::new(false));
    let me = tasks::current();
    let sampler = {
        let stop = stop.clone();
        thread::spawn(move || {
            let _harness = HarnessThread::enter();
            let (mut seen, mut most) = (Vec::new(), 0);
            loop {
                let last = stop.load(Ordering::SeqCst);
                let now: Vec<u64> = tasks::started_since(&before)
                    .into_iter()
                    .filter(|tid| Some(*tid) != me)
                    .collect();
                most = most.max(now.len());
                for tid in now {
                    if !seen.contains(&tid) {
                        seen.push(tid);
                    }
                }
                if last {
                    return ThreadCount {
                        started: seen.len(),
                        most_at_once: most,
                    };
                }
                std::hint::spin_loop();
            }
        })
    };
    let value = f();
    stop.store(true, Ordering::SeqCst);
    (value, sampler.join().ok())
}

/// Runs `f(thread, round)` on `threads` threads of the test, `rounds` times each, and returns
/// each thread's results in round order. In each round the threads wait for one another
/// spinning, and leave together: within nanoseconds, where a `Barrier` would wake them one by
/// one, microseconds apart. Two steps that ought to be one (a check, then an act) overlap only if
/// their threads run them at the same moment; this makes that likely, round after round.
pub fn race<T: Send>(
    threads: usize,
    rounds: usize,
    f: impl Fn(usize, usize) -> T + Sync,
) -> Vec<Vec<T>> {
    let (ready, go) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let wait_until = |done: &dyn Fn() -> bool| {
        let mut spins = 0u32;
        while !done() {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(256) {
                // Give the core to a contender that has not arrived yet.
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    };
    thread::scope(|s| {
        let contenders: Vec<_> = (0..threads)
            .map(|t| {
                let (ready, go, f, wait_until) = (&ready, &go, &f, &wait_until);
                s.spawn(move || {
                    (0..rounds)
                        .map(|round| {
                            ready.fetch_add(1, Ordering::SeqCst);
                            wait_until(&|| go.load(Ordering::SeqCst) > round);
                            f(t, round)
                        })
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        for round in 0..rounds {
            wait_until(&|| ready.load(Ordering::SeqCst) >= threads * (round + 1));
            go.store(round + 1, Ordering::SeqCst);
        }
        contenders
            .into_iter()
            .map(|c| {
                c.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// An invariant checked over and over on a thread of its own while the code under test runs:
/// made by [`watch`].
pub struct Watch {
    stop: Arc<AtomicBool>,
    watcher: Option<JoinHandle<Option<String>>>,
}

/// Starts checking `invariant` in a loop, as fast as it goes, until [`Watch::stop`]: a race that
/// breaks a rule for a moment and repairs it (a balance below zero between two steps) is caught
/// while it lasts, where a check at the end would see nothing wrong. `invariant` returns why the
/// rule is broken, in a student's words.
pub fn watch(mut invariant: impl FnMut() -> Result<(), String> + Send + 'static) -> Watch {
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let stop = stop.clone();
        thread::spawn(move || {
            let _harness = HarnessThread::enter();
            let mut round = 0u32;
            while !stop.load(Ordering::Relaxed) {
                if let Err(broken) = invariant() {
                    return Some(broken);
                }
                round = round.wrapping_add(1);
                if round.is_multiple_of(64) {
                    // Leave the core to the code under test now and then, on a small machine.
                    thread::yield_now();
                }
            }
            None
        })
    };
    Watch {
        stop,
        watcher: Some(watcher),
    }
}

impl Watch {
    /// Stops watching and says the first way the invariant was seen broken, if it was.
    pub fn stop(mut self) -> Option<String> {
        self.finish()
    }

    fn finish(&mut self) -> Option<String> {
        self.stop.store(true, Ordering::Relaxed);
        self.watcher.take()?.join().ok().flatten()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The values a [`feed`] has handed over, and a way to stop it.
pub struct Fed {
    taken: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    feeder: Option<JoinHandle<()>>,
}

/// Hands `values` one by one to whoever reads the returned receiver, over a channel without a
/// buffer, and counts each value as it is taken: pause the reader at the far end of a pipeline,
/// and [`Fed::taken`] says how far the stages ran ahead of it. The feeder stops when the values
/// run out, when the receiver is dropped, or when the [`Fed`] is.
pub fn feed<T: Send + 'static>(
    values: impl IntoIterator<Item = T, IntoIter: Send + 'static>,
) -> (Receiver<T>, Fed) {
    let (tx, rx) = bounded(0);
    let (taken, stop) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let values = values.into_iter();
    let feeder = {
        let (taken, stop) = (taken.clone(), stop.clone());
        thread::spawn(move || {
            let _harness = HarnessThread::enter();
            for mut value in values {
                loop {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    match tx.send_timeout(value, Duration::from_millis(5)) {
                        Ok(()) => break,
                        Err(SendTimeoutError::Timeout(back)) => value = back,
                        Err(SendTimeoutError::Disconnected(_)) => return,
                    }
                }
                taken.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    (
        rx,
        Fed {
            taken,
            stop,
            feeder: Some(feeder),
        },
    )
}

impl Fed {
    /// How many values have been taken from the feed so far.
    pub fn taken(&self) -> usize {
        self.taken.load(Ordering::SeqCst)
    }
}

impl Drop for Fed {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(feeder) = self.feeder.take() {
            let _ = feeder.join();
        }
    }
}
