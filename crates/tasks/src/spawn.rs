//! Goroutines are multiplexed, and so are tasks: 100,000 tasks beside 10,000 threads, with the
//! time and memory each costs (section 5.2).

use chanlab_channels::goroutines::{SMALL_STACK, resident_bytes, spawn_many};
use chanlab_common::{Cx, Exit};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// What spawning many tasks at once cost.
#[derive(Debug, Clone, Copy)]
pub struct TaskReport {
    /// Tasks spawned.
    pub tasks: usize,
    /// Time to spawn all of them and see every one running.
    pub spawn: Duration,
    /// Time to release and join all of them.
    pub join: Duration,
    /// The most tasks that were alive (started, not finished) at the same moment.
    pub peak: usize,
    /// How much the process's resident memory grew while they were all alive, where the system
    /// says (`/proc` on Linux).
    pub resident_growth: Option<u64>,
}

impl TaskReport {
    /// Spawn time divided by the number of tasks.
    pub fn per_spawn(&self) -> Duration {
        self.spawn / self.tasks.max(1) as u32
    }

    /// Resident memory growth divided by the number of tasks, in bytes.
    pub fn resident_per_task(&self) -> Option<u64> {
        Some(self.resident_growth? / self.tasks.max(1) as u64)
    }
}

// ANCHOR: spawn_tasks
/// Spawns `n` tasks on the current runtime, keeps every one alive until the last has started,
/// then releases and joins them all: the task twin of the channels lesson's `spawn_many`.
///
/// Each task waits on one shared [`CancellationToken`]; cancelling it is the release.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let report = chanlab_tasks::spawn::spawn_tasks(1_000).await;
/// assert_eq!(report.peak, 1_000);
/// # }
/// ```
///
/// # Panics
///
/// Outside a tokio runtime, as [`tokio::spawn`] does.
pub async fn spawn_tasks(n: usize) -> TaskReport {
    let live = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let release = CancellationToken::new();
    let resident_before = resident_bytes();
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..n {
        let (live, peak, release) = (live.clone(), peak.clone(), release.clone());
        tasks.spawn(async move {
            let now = live.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            release.cancelled().await;
            live.fetch_sub(1, Ordering::SeqCst);
        });
    }
    // Let the scheduler run them until every one has started and is waiting.
    while live.load(Ordering::SeqCst) < n {
        tokio::task::yield_now().await;
    }
    let spawn = started.elapsed();
    let resident_growth = resident_bytes()
        .zip(resident_before)
        .map(|(now, before)| now.saturating_sub(before));
    release.cancel();
    let joining = Instant::now();
    while let Some(joined) = tasks.join_next().await {
        joined.expect("a spawned task panicked");
    }
    TaskReport {
        tasks: n,
        spawn,
        join: joining.elapsed(),
        peak: peak.load(Ordering::SeqCst),
        resident_growth,
    }
}
// ANCHOR_END: spawn_tasks

/// The number of tasks the step spawns unless told otherwise.
pub const DEFAULT_TASKS: usize = 100_000;

/// The number of threads the step spawns beside them unless told otherwise.
pub const DEFAULT_THREADS: usize = 10_000;

/// The most tasks the step accepts.
pub const MAX_TASKS: usize = 1_000_000;

/// The most threads the step accepts.
pub const MAX_THREADS: usize = chanlab_channels::goroutines::MAX_THREADS;

/// `tokio::spawn` is `go f()`; then 100,000 tasks and 10,000 threads alive at once, with the
/// time and memory each unit costs side by side. Optional arguments: the task count and the
/// thread count.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let (tasks, threads) = match cx.args() {
        [] => (DEFAULT_TASKS, DEFAULT_THREADS),
        [tasks] => (count(tasks, MAX_TASKS, "task")?, DEFAULT_THREADS),
        [tasks, threads] => (
            count(tasks, MAX_TASKS, "task")?,
            count(threads, MAX_THREADS, "thread")?,
        ),
        _ => {
            let message = "spawn takes at most two arguments: the task count, the thread count";
            return Err(Exit::usage(message).into());
        }
    };
    let runtime = crate::runtime(2)?;
    runtime.block_on(async {
        // ANCHOR: spawn
        let task = tokio::spawn(async { (1..=10u64).product::<u64>() });
        let factorial = task.await?; // a JoinHandle is a future of the task's result
        // ANCHOR_END: spawn
        cx.say(format!("spawned a task and awaited it: 10! = {factorial}"));
        anyhow::Ok(())
    })?;

    let report = runtime.block_on(spawn_tasks(tasks));
    drop(runtime);
    let threads = spawn_many(threads, SMALL_STACK)?;
    cx.say(format!(
        "{} tasks on 2 worker threads: started in {:.1?}, peak alive {}",
        report.tasks, report.spawn, report.peak
    ));
    cx.say(format!(
        "{} threads with {} KiB stacks: started in {:.1?}, peak alive {}",
        threads.threads,
        SMALL_STACK / 1024,
        threads.spawn,
        threads.peak
    ));
    cx.say("per unit     spawn      memory (resident)");
    cx.say(format!(
        "  task    {:>9}  {:>12}",
        format!("{:.2?}", report.per_spawn()),
        bytes(report.resident_per_task())
    ));
    cx.say(format!(
        "  thread  {:>9}  {:>12}",
        format!("{:.2?}", threads.per_spawn()),
        bytes(threads.resident_per_thread())
    ));
    cx.say("a task is a heap allocation and a queue entry; a thread is a kernel task with a stack");
    Ok(())
}

fn count(arg: &str, max: usize, what: &str) -> anyhow::Result<usize> {
    match arg.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(Exit::usage(format!("{what} count must be 1..={max}, not {arg:?}")).into()),
    }
}

fn bytes(n: Option<u64>) -> String {
    match n {
        Some(n) if n >= 10 * 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
        Some(n) => format!("{n} B"),
        None => "unknown".into(),
    }
}
