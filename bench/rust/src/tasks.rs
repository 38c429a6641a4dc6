//! The same workloads as tokio tasks (the tasks lesson), on both runtime flavours: a current-
//! thread runtime (every task on one thread, as `GOMAXPROCS=1`) and a multi-thread runtime with
//! one worker per core (2 here, as Go's `GOMAXPROCS`). The runtime is built before the clock
//! starts, as Go's exists before `main`.

use crate::threads::job;
use crate::{Error, Implementation, check_ops, checked, sum_below};
use chanlab_tasks::unbuffered;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// A runtime flavour, as a row label says it.
#[derive(Clone, Copy, Debug)]
pub enum Flavor {
    /// `new_current_thread`.
    Current,
    /// `new_multi_thread` with two workers.
    Multi,
}

impl Flavor {
    fn runtime(self) -> Result<Runtime, Error> {
        let mut builder = match self {
            Flavor::Current => Builder::new_current_thread(),
            Flavor::Multi => {
                let mut b = Builder::new_multi_thread();
                b.worker_threads(2);
                b
            }
        };
        Ok(builder.enable_all().build()?)
    }
}

macro_rules! rows {
    ($($case:literal, $label:literal, $run:expr;)*) => {
        &[$(Implementation { case: $case, label: $label, run: $run }),*]
    };
}

/// The rows of this group.
pub const IMPLEMENTATIONS: &[Implementation] = rows![
    "ping-pong", "tokio tasks, chanlab unbuffered, current-thread", |s| ping_pong::<Unbuffered>(Flavor::Current, s.ops);
    "ping-pong", "tokio tasks, chanlab unbuffered, multi-thread", |s| ping_pong::<Unbuffered>(Flavor::Multi, s.ops);
    "ping-pong", "tokio tasks, mpsc(1), current-thread", |s| ping_pong::<Mpsc1>(Flavor::Current, s.ops);
    "ping-pong", "tokio tasks, mpsc(1), multi-thread", |s| ping_pong::<Mpsc1>(Flavor::Multi, s.ops);
    "select", "tokio tasks, select!, current-thread", |s| select(Flavor::Current, s.ops);
    "select", "tokio tasks, select!, multi-thread", |s| select(Flavor::Multi, s.ops);
    "spawn", "tokio tasks, current-thread", |s| spawn(Flavor::Current, s.ops);
    "spawn", "tokio tasks, multi-thread", |s| spawn(Flavor::Multi, s.ops);
    "pipeline", "tokio tasks, chanlab stages, current-thread", |s| pipeline(Flavor::Current, s.ops);
    "pipeline", "tokio tasks, chanlab stages, multi-thread", |s| pipeline(Flavor::Multi, s.ops);
    "pipeline", "tokio tasks, mpsc(1), current-thread", |s| pipeline_over::<Mpsc1>(Flavor::Current, s.ops);
    "pipeline", "tokio tasks, mpsc(1), multi-thread", |s| pipeline_over::<Mpsc1>(Flavor::Multi, s.ops);
    "pipeline", "tokio tasks, kanal async (0), current-thread", |s| pipeline_over::<Kanal0>(Flavor::Current, s.ops);
    "ping-pong", "tokio tasks, kanal async (0), current-thread", |s| ping_pong::<Kanal0>(Flavor::Current, s.ops);
    "worker-pool", "tokio tasks (4), mpsc behind a Mutex, current-thread", |s| worker_pool(Flavor::Current, s.ops);
    "worker-pool", "tokio tasks (4), mpsc behind a Mutex, multi-thread", |s| worker_pool(Flavor::Multi, s.ops);
    "worker-pool", "tokio tasks (4), kanal async (0), current-thread", |s| worker_pool_kanal(Flavor::Current, s.ops);
    "worker-pool", "tokio tasks (4), kanal async (0), multi-thread", |s| worker_pool_kanal(Flavor::Multi, s.ops);
    "worker-pool", "tokio tasks, a task per job, Semaphore(4), current-thread", |s| worker_pool_semaphore(Flavor::Current, s.ops);
    "worker-pool", "tokio tasks, a task per job, Semaphore(4), multi-thread", |s| worker_pool_semaphore(Flavor::Multi, s.ops);
    "context-cancel", "CancellationToken, current-thread", |s| context_cancel(Flavor::Current, s.ops);
    "context-cancel", "CancellationToken, multi-thread", |s| context_cancel(Flavor::Multi, s.ops);
];

/// Runs `work` on a new runtime of `flavor` and times it; `work` returns its checksum.
fn timed_on<F>(flavor: Flavor, ops: u64, work: F) -> Result<(f64, u64), Error>
where
    F: Future<Output = u64> + Send + 'static,
{
    let runtime = flavor.runtime()?;
    let start = Instant::now();
    let got = as_task(&runtime, work);
    Ok((crate::per_op(start.elapsed(), ops), got))
}

/// Runs `work` to its end as a task on `runtime`, as Go's `main` is a goroutine: on the
/// multi-thread runtime the future given to `block_on` runs on the calling thread, outside the
/// workers, so every value it exchanged with a task would cross threads.
fn as_task<F>(runtime: &Runtime, work: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send,
{
    runtime
        .block_on(async { tokio::spawn(work).await })
        .unwrap_or_else(|panicked| std::panic::resume_unwind(panicked.into_panic()))
}

/// The channels the hand-off rows compare, behind one face: `make(chan uint64)` as each has it.
pub trait Channel: 'static {
    /// The sending half.
    type Tx: Send + Sync + 'static;
    /// The receiving half.
    type Rx: Send + 'static;
    /// A new channel.
    fn pair() -> (Self::Tx, Self::Rx);
    /// Sends `value`; a closed channel drops it.
    fn send(tx: &Self::Tx, value: u64) -> impl Future<Output = ()> + Send;
    /// The next value, `None` once closed.
    fn recv(rx: &mut Self::Rx) -> impl Future<Output = Option<u64>> + Send;
}

/// The tasks lesson's unbuffered channel: Go's rendezvous.
pub struct Unbuffered;

impl Channel for Unbuffered {
    type Tx = unbuffered::Sender<u64>;
    type Rx = unbuffered::Receiver<u64>;
    fn pair() -> (Self::Tx, Self::Rx) {
        unbuffered::channel()
    }
    async fn send(tx: &Self::Tx, value: u64) {
        let _ = tx.send(value).await;
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await
    }
}

/// tokio's `mpsc` of capacity 1, its smallest: a sender may run one value ahead.
pub struct Mpsc1;

impl Channel for Mpsc1 {
    type Tx = mpsc::Sender<u64>;
    type Rx = mpsc::Receiver<u64>;
    fn pair() -> (Self::Tx, Self::Rx) {
        mpsc::channel(1)
    }
    async fn send(tx: &Self::Tx, value: u64) {
        let _ = tx.send(value).await;
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await
    }
}

/// kanal's async channel of capacity 0: a rendezvous.
pub struct Kanal0;

impl Channel for Kanal0 {
    type Tx = kanal::AsyncSender<u64>;
    type Rx = kanal::AsyncReceiver<u64>;
    fn pair() -> (Self::Tx, Self::Rx) {
        kanal::bounded_async(0)
    }
    async fn send(tx: &Self::Tx, value: u64) {
        let _ = tx.send(value).await;
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await.ok()
    }
}

/// A value bounced between two tasks over two channels of `C`. One operation: one round trip.
pub fn ping_pong<C: Channel>(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    let (ns, ball) = timed_on(flavor, ops, async move {
        let (ping_tx, mut ping) = C::pair();
        let (pong_tx, mut pong) = C::pair();
        tokio::spawn(async move {
            while let Some(ball) = C::recv(&mut ping).await {
                C::send(&pong_tx, ball + 1).await;
            }
        });
        let mut ball = 0;
        for _ in 0..ops {
            C::send(&ping_tx, ball).await;
            ball = C::recv(&mut pong).await.unwrap_or_default();
        }
        ball
    })?;
    checked(ns, ball, ops)
}

/// Two producer tasks on channels of capacity 100, the consumer takes from both with
/// `select!`, switching a closed branch off. One operation: one value received.
pub fn select(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    let (ns, sum) = timed_on(flavor, ops, async move {
        let half = ops / 2;
        let (a_tx, mut a) = mpsc::channel::<u64>(100);
        let (b_tx, mut b) = mpsc::channel::<u64>(100);
        tokio::spawn(async move {
            for v in 0..half {
                let _ = a_tx.send(v).await;
            }
        });
        tokio::spawn(async move {
            for v in half..ops {
                let _ = b_tx.send(v).await;
            }
        });
        let (mut a_open, mut b_open, mut sum) = (true, true, 0);
        loop {
            tokio::select! {
                v = a.recv(), if a_open => match v {
                    Some(v) => sum += v,
                    None => a_open = false,
                },
                v = b.recv(), if b_open => match v {
                    Some(v) => sum += v,
                    None => b_open = false,
                },
                else => break sum,
            }
        }
    })?;
    checked(ns, sum, sum_below(ops))
}

/// `ops` tasks started, each counting itself, all awaited. One operation: one task started and
/// finished.
pub fn spawn(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    check_ops(ops, 1, chanlab_channels::goroutines::MAX_THREADS as u64)?;
    let (ns, finished) = timed_on(flavor, ops, async move {
        let finished = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..ops)
            .map(|_| {
                let finished = finished.clone();
                tokio::spawn(async move {
                    finished.fetch_add(1, Ordering::Relaxed);
                })
            })
            .collect();
        for task in tasks {
            let _ = task.await;
        }
        finished.load(Ordering::Relaxed)
    })?;
    checked(ns, finished, ops)
}

/// The tasks lesson's `generate → filter → map` stages, summed. One operation: one number
/// generated.
pub fn pipeline(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    let expected = (0..ops).filter(|n| n % 2 == 0).map(|n| n * n).sum();
    let (ns, sum) = timed_on(flavor, ops, async move {
        use chanlab_tasks::{filter, generate, map};
        let mut squares = map(filter(generate(0..ops), |n| n % 2 == 0), |n| n * n);
        let mut sum = 0;
        while let Some(n) = squares.recv().await {
            sum += n;
        }
        sum
    })?;
    checked(ns, sum, expected)
}

/// The same three stages written by hand over channels of `C`.
pub fn pipeline_over<C: Channel>(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    let expected = (0..ops).filter(|n| n % 2 == 0).map(|n| n * n).sum();
    let (ns, sum) = timed_on(flavor, ops, async move {
        let (numbers_tx, mut numbers) = C::pair();
        let (evens_tx, mut evens) = C::pair();
        let (squares_tx, mut squares) = C::pair();
        tokio::spawn(async move {
            for n in 0..ops {
                C::send(&numbers_tx, n).await;
            }
        });
        tokio::spawn(async move {
            while let Some(n) = C::recv(&mut numbers).await {
                if n % 2 == 0 {
                    C::send(&evens_tx, n).await;
                }
            }
        });
        tokio::spawn(async move {
            while let Some(n) = C::recv(&mut evens).await {
                C::send(&squares_tx, n * n).await;
            }
        });
        let mut sum = 0;
        while let Some(n) = C::recv(&mut squares).await {
            sum += n;
        }
        sum
    })?;
    checked(ns, sum, expected)
}

/// Four worker tasks take jobs of [`job`] from a channel of capacity 1 and send results to an
/// unbounded one; the results are folded together. One operation: one job submitted, done and
/// its result received.
pub fn worker_pool(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    let expected = (0..ops).map(job).fold(0u64, u64::wrapping_add);
    let (ns, folded) = timed_on(flavor, ops, async move {
        let (jobs_tx, jobs) = mpsc::channel::<u64>(1);
        let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
        let (results_tx, mut results) = mpsc::unbounded_channel();
        for _ in 0..4 {
            let (jobs, results_tx) = (jobs.clone(), results_tx.clone());
            tokio::spawn(async move {
                loop {
                    let next = jobs.lock().await.recv().await;
                    let Some(n) = next else { return };
                    let _ = results_tx.send(job(n));
                }
            });
        }
        drop(results_tx);
        for n in 0..ops {
            let _ = jobs_tx.send(n).await;
        }
        drop(jobs_tx);
        let mut folded = 0u64;
        while let Some(r) = results.recv().await {
            folded = folded.wrapping_add(r);
        }
        folded
    })?;
    checked(ns, folded, expected)
}

/// The same pool with its jobs on kanal's async channel of capacity 0, which has many receivers
/// (as Go's channels): each worker waits on the channel itself, with no lock around it.
pub fn worker_pool_kanal(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    let expected = (0..ops).map(job).fold(0u64, u64::wrapping_add);
    let (ns, folded) = timed_on(flavor, ops, async move {
        let (jobs_tx, jobs) = kanal::bounded_async::<u64>(0);
        let (results_tx, mut results) = mpsc::unbounded_channel();
        for _ in 0..4 {
            let (jobs, results_tx) = (jobs.clone(), results_tx.clone());
            tokio::spawn(async move {
                while let Ok(n) = jobs.recv().await {
                    let _ = results_tx.send(job(n));
                }
            });
        }
        drop((jobs, results_tx));
        for n in 0..ops {
            let _ = jobs_tx.send(n).await;
        }
        drop(jobs_tx);
        let mut folded = 0u64;
        while let Some(r) = results.recv().await {
            folded = folded.wrapping_add(r);
        }
        folded
    })?;
    checked(ns, folded, expected)
}

/// The tasks lesson's way (its `worker_pool` step): no workers, a task per job, at most four at
/// work under a `Semaphore`.
pub fn worker_pool_semaphore(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    let expected = (0..ops).map(job).fold(0u64, u64::wrapping_add);
    let (ns, folded) = timed_on(flavor, ops, async move {
        let permits = Arc::new(tokio::sync::Semaphore::new(4));
        let (results_tx, mut results) = mpsc::unbounded_channel();
        for n in 0..ops {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                break; // never closed
            };
            let results_tx = results_tx.clone();
            tokio::spawn(async move {
                let _ = results_tx.send(job(n));
                drop(permit);
            });
        }
        drop(results_tx);
        let mut folded = 0u64;
        while let Some(r) = results.recv().await {
            folded = folded.wrapping_add(r);
        }
        folded
    })?;
    checked(ns, folded, expected)
}

/// Waiting tasks per round, as in Go's workload.
const WAITERS: usize = 1_000;

/// `ops` rounds of 1,000 tasks waiting on one `CancellationToken`, timed from the cancel until
/// the last has ended (the tasks lesson's `cancel_waiters`). One operation: one round.
pub fn context_cancel(flavor: Flavor, ops: u64) -> Result<f64, Error> {
    check_ops(ops, 1, 1_000_000)?;
    let runtime = flavor.runtime()?;
    let mut cancelling = Duration::ZERO;
    for _ in 0..ops {
        cancelling += as_task(&runtime, async {
            chanlab_tasks::context::cancel_waiters(&CancellationToken::new(), WAITERS).await
        });
    }
    Ok(crate::per_op(cancelling, ops))
}
