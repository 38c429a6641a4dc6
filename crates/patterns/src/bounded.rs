//! Bounded parallelism: many tasks, at most `n` running at once (section 5.7).
//!
//! Go starts a goroutine per task and makes each take a semaphore slot before working, with a
//! `WaitGroup` to wait for them all. The same code in Rust works, but starts a thread per task,
//! and threads are not goroutines: a thousand tasks would park a thousand threads on the
//! semaphore. [`for_each`] takes the slot *before* starting the thread instead, so at most `n`
//! threads exist at any moment.

use chanlab_sync::Semaphore;
use std::thread;
#[cfg(feature = "lesson")]
use {
    chanlab_common::Cx,
    chanlab_sync::WaitGroup,
    std::sync::Arc,
    std::sync::atomic::{AtomicUsize, Ordering},
    std::time::{Duration, Instant},
};

/// A [`for_each`] that cannot run.
#[derive(Debug, PartialEq, Eq)]
pub enum BoundedError {
    /// A limit of zero would never run anything.
    ZeroLimit,
    /// The operating system could not start a thread; the tasks already started have finished.
    Spawn(String),
}

impl std::fmt::Display for BoundedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoundedError::ZeroLimit => f.write_str("the limit must be at least 1"),
            BoundedError::Spawn(e) => write!(f, "could not start a thread: {e}"),
        }
    }
}

impl std::error::Error for BoundedError {}

// ANCHOR: for_each
/// Runs `work` on every item, each on its own thread, with at most `limit` running at once;
/// returns when all have finished.
///
/// A thread is started only once a slot is free, so there are never more than `limit` of them.
/// Threads are named `task 1`, `task 2`… in the order of `items`.
///
/// ```
/// use chanlab_patterns::bounded;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
/// bounded::for_each(2, 0..8, |_| {
///     let now = running.fetch_add(1, Ordering::SeqCst) + 1;
///     most.fetch_max(now, Ordering::SeqCst);
///     std::thread::sleep(std::time::Duration::from_millis(5));
///     running.fetch_sub(1, Ordering::SeqCst);
/// })?;
/// assert_eq!(most.load(Ordering::SeqCst), 2);
/// # Ok::<(), chanlab_patterns::bounded::BoundedError>(())
/// ```
///
/// # Panics
///
/// If `work` panics, once every started task has finished, as [`thread::scope`] does.
pub fn for_each<T, F>(
    limit: usize,
    items: impl IntoIterator<Item = T>,
    work: F,
) -> Result<(), BoundedError>
where
    T: Send,
    F: Fn(T) + Sync,
{
    if limit == 0 {
        return Err(BoundedError::ZeroLimit);
    }
    let slots = Semaphore::new(limit);
    let work = &work;
    thread::scope(|s| {
        for (i, item) in items.into_iter().enumerate() {
            let slot = slots.acquire(); // waits while `limit` tasks run
            thread::Builder::new()
                .name(format!("task {}", i + 1))
                .spawn_scoped(s, move || {
                    let _slot = slot; // given back when the task ends, even by a panic
                    work(item);
                })
                .map_err(|e| BoundedError::Spawn(e.to_string()))?;
        }
        Ok(())
    }) // the scope waits for the last tasks
}
// ANCHOR_END: for_each

/// Counts tasks running and threads alive, and remembers the peaks.
#[cfg(feature = "lesson")]
#[derive(Default)]
struct Gauge {
    running: AtomicUsize,
    most_running: AtomicUsize,
    alive: AtomicUsize,
    most_alive: AtomicUsize,
}

#[cfg(feature = "lesson")]
impl Gauge {
    fn rise(count: &AtomicUsize, peak: &AtomicUsize) {
        let now = count.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
    }

    /// One task's work: counted as running while it sleeps.
    fn task(&self, cx: &Cx) {
        Gauge::rise(&self.running, &self.most_running);
        cx.sleep(Duration::from_millis(200));
        self.running.fetch_sub(1, Ordering::SeqCst);
    }

    fn peaks(&self) -> (usize, usize) {
        (
            self.most_running.load(Ordering::SeqCst),
            self.most_alive.load(Ordering::SeqCst),
        )
    }
}

/// Twelve tasks of 0.2 s with a limit of 3: first Go's way (a thread per task, a semaphore and a
/// WaitGroup), then with the slot taken before the thread starts.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let tasks = 12;
    let start = Instant::now();
    // ANCHOR: go_way
    let slots = Arc::new(Semaphore::new(3)); // Go: sem := make(chan struct{}, 3)
    let gauge = Arc::new(Gauge::default());
    let wg = WaitGroup::new();
    for _ in 0..tasks {
        let (slots, gauge, cx) = (Arc::clone(&slots), Arc::clone(&gauge), cx.clone());
        Gauge::rise(&gauge.alive, &gauge.most_alive);
        wg.go(move || {
            let slot = slots.acquire(); // Go: sem <- struct{}{}
            gauge.task(&cx);
            drop(slot); // Go: <-sem
            gauge.alive.fetch_sub(1, Ordering::SeqCst);
        });
    }
    wg.wait();
    // ANCHOR_END: go_way
    let (running, alive) = gauge.peaks();
    cx.say(format!(
        "Go's way: {tasks} tasks in {:.1}, at most {running} running, {alive} threads alive at once",
        cx.secs_taken(start.elapsed())
    ));

    let start = Instant::now();
    // ANCHOR: slot_first
    let gauge = Gauge::default();
    for_each(3, 0..tasks, |_| {
        Gauge::rise(&gauge.alive, &gauge.most_alive);
        gauge.task(cx);
        gauge.alive.fetch_sub(1, Ordering::SeqCst);
    })?;
    // ANCHOR_END: slot_first
    let (running, alive) = gauge.peaks();
    cx.say(format!(
        "slot first: {tasks} tasks in {:.1}, at most {running} running, {alive} threads alive at once",
        cx.secs_taken(start.elapsed())
    ));
    Ok(())
}
