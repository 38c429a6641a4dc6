//! Go's goroutines as tokio tasks (course sections 5.2–5.10).
//!
//! A goroutine is cheap because Go multiplexes many of them onto a few OS threads: a blocked
//! goroutine is a parked entry in a queue, not a sleeping thread. The other lessons map each
//! goroutine to a thread and measure what that costs; this one maps it to a *task* on a tokio
//! runtime, which multiplexes the same way. A task runs until it reaches an `.await` that cannot
//! go on, then hands its thread to another task.
//!
//! tokio and tokio-util already have the vocabulary: `tokio::spawn` is `go`, `mpsc` and
//! `oneshot` are channels, `tokio::select!` is `select`, `CancellationToken` is `context`,
//! `JoinSet` and `Semaphore` bound a crowd of tasks. This crate adds only what they lack: Go's
//! unbuffered channel, built from tokio's parts ([`rendezvous`]) and built for speed
//! ([`unbuffered`]), pipeline stages and a fan-in [`merge`] on the latter, an [`ErrGroup`], a rate
//! limiter's async [`acquire`](rate_limit::acquire), and the server lesson's server as [a task per
//! connection](serve).
//!
//! # Hello, world: a task
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let task = tokio::spawn(async { "hello, world" }); // go f()
//! assert_eq!(task.await.unwrap(), "hello, world"); // the JoinHandle is the result
//! # }
//! ```
//!
//! # A rendezvous
//!
//! tokio's channels have a buffer of at least one; an [`unbuffered`] send waits for its receiver,
//! as on Go's `make(chan T)`.
//!
//! ```
//! use chanlab_tasks::unbuffered;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, mut rx) = unbuffered::channel();
//! tokio::spawn(async move { tx.send(42).await });
//! assert_eq!(rx.recv().await, Some(42));
//! # }
//! ```
//!
//! # A pipeline, stage by stage
//!
//! ```
//! use chanlab_tasks::{filter, generate, map};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut squares = map(filter(generate(1..=10), |n| n % 2 == 0), |n| n * n);
//! let mut all = Vec::new();
//! while let Some(n) = squares.recv().await {
//!     all.push(n);
//! }
//! assert_eq!(all, [4, 16, 36, 64, 100]);
//! # }
//! ```
//!
//! # select with a timeout
//!
//! The branch that loses is dropped: that is how a future is cancelled.
//!
//! ```
//! use std::time::Duration;
//! use tokio::sync::mpsc;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (_tx, mut rx) = mpsc::channel::<u32>(1); // nothing will come
//! let got = tokio::select! {
//!     v = rx.recv() => v,
//!     _ = tokio::time::sleep(Duration::from_millis(10)) => None,
//! };
//! assert_eq!(got, None);
//! # }
//! ```
//!
//! # The first error cancels the group
//!
//! ```
//! use chanlab_tasks::ErrGroup;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut group = ErrGroup::new();
//! let token = group.token(); // tokio-util's CancellationToken: Go's ctx.Done()
//! group.spawn(async { Err("disk full") });
//! group.spawn(async move {
//!     token.cancelled().await;
//!     Ok(())
//! });
//! assert_eq!(group.wait().await, Err("disk full"));
//! # }
//! ```
//!
//! Each step module is one demonstration: run it with `cargo xtask run tasks <step>`.

#[cfg(feature = "lesson")]
pub mod spawn;

pub mod blocking;
pub mod channels;
pub mod context;
pub mod errgroup;
pub mod fan_in;
pub mod pipeline;
pub mod rate_limit;
pub mod select;
pub mod serve;
pub mod unbuffered;
#[cfg(feature = "lesson")]
pub mod worker_pool;

pub use channels::rendezvous;
pub use errgroup::ErrGroup;
pub use fan_in::merge;
pub use pipeline::{filter, generate, map};

#[cfg(feature = "lesson")]
use chanlab_common::{Lesson, Step};

/// The runtime most steps run on: `workers` threads, named `worker 1`, `worker 2`... so that
/// `--timeline` shows which carried what, with the timer on.
#[cfg(feature = "lesson")]
fn runtime(workers: usize) -> std::io::Result<tokio::runtime::Runtime> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(1);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name_fn(move || format!("worker {}", next.fetch_add(1, Ordering::Relaxed)))
        .enable_all()
        .build()
}

/// The lesson's steps, in teaching order.
#[cfg(feature = "lesson")]
pub const LESSON: Lesson = Lesson {
    name: "tasks",
    summary: "goroutines as tokio tasks: multiplexed, cheap, cancelled by dropping",
    default: None,
    steps: &[
        Step::new(
            "spawn",
            "5.2",
            "100,000 tasks beside 10,000 threads: time and memory per unit",
            spawn::run,
        )
        .takes("[TASKS [THREADS]]"),
        Step::new(
            "channels",
            "5.3",
            "mpsc and oneshot; a rendezvous, since tokio has no unbuffered channel",
            channels::run,
        ),
        Step::new(
            "select",
            "5.5",
            "tokio::select!, biased;, a timeout, a branch switched off like a nil channel",
            select::run,
        ),
        Step::new(
            "pipeline",
            "5.4",
            "generate → filter evens → square, each stage a task",
            pipeline::run,
        ),
        Step::new(
            "fan_in",
            "5.7",
            "three producers merged as they come: forwarding tasks, then a StreamMap",
            fan_in::run,
        ),
        Step::new(
            "worker_pool",
            "5.7",
            "twelve jobs of 1s, three at a time: a Semaphore, then a JoinSet of three",
            worker_pool::run,
        ),
        Step::new(
            "context",
            "5.8",
            "a CancellationToken tree, timeouts, one cancel reaching 1,000 tasks",
            context::run,
        ),
        Step::new(
            "errgroup",
            "5.8",
            "the first error cancels the others and is what wait returns",
            errgroup::run,
        ),
        Step::new(
            "rate_limit",
            "5.7",
            "an interval, what it does with missed ticks, a bursty limiter",
            rate_limit::run,
        ),
        Step::new(
            "blocking",
            "5.10",
            "a blocking call in a task stalls its neighbours; spawn_blocking does not",
            blocking::run,
        ),
        Step::new(
            "serve",
            "5.9",
            "the server lesson's routes, a task per connection: 1,000 kept alive at once",
            serve::run,
        ),
    ],
};
