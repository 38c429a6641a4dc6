//! Go's concurrency patterns, in Rust (course sections 5.4, 5.7 and 5.8).
//!
//! The building blocks are ordinary values: pipeline stages that return a crossbeam `Receiver`,
//! a [`merge`] for fan-in, a [`WorkerPool`], a [`RateLimiter`], a [`Context`] for cancellation
//! and deadlines, an [`ErrGroup`], and a [`Memo`] cache. Each step of the lesson shows one of
//! them at work.
//!
//! # Hello, world: a pipeline
//!
//! Each stage runs on its own thread and closes its output when its input closes.
//!
//! ```
//! use chanlab_patterns::{filter, generate, map};
//!
//! let numbers = generate(1..=10);
//! let evens = filter(numbers, |n| n % 2 == 0);
//! let squares = map(evens, |n| n * n);
//! assert_eq!(squares.iter().collect::<Vec<_>>(), [4, 16, 36, 64, 100]);
//! ```
//!
//! # Fan-out, fan-in
//!
//! Several workers share one input (a `Receiver` can be cloned, and each item goes to one
//! clone); [`merge`] brings their outputs back into one channel that closes when all have.
//!
//! ```
//! use chanlab_patterns::{fan_out, generate, merge};
//!
//! let workers = fan_out(&generate(1..=100), 3, |n: u64| n * n);
//! let total: u64 = merge(workers).iter().sum();
//! assert_eq!(total, 338_350);
//! ```
//!
//! # A worker pool
//!
//! ```
//! use chanlab_patterns::WorkerPool;
//!
//! let (pool, results) = WorkerPool::new(4, |n: u64| n + 1)?;
//! for n in 0..10 {
//!     pool.submit(n)?;
//! }
//! pool.wait()?;
//! assert_eq!(results.iter().sum::<u64>(), 55);
//! # Ok::<(), chanlab_patterns::worker_pool::PoolError>(())
//! ```
//!
//! # Rate limiting
//!
//! A burst of 3, then one permit per interval, worked out from the clock: no ticker thread.
//!
//! ```
//! use chanlab_patterns::RateLimiter;
//! use std::time::Duration;
//!
//! let limiter = RateLimiter::bursty(Duration::from_secs(60), 3)?;
//! assert!(limiter.try_acquire() && limiter.try_acquire() && limiter.try_acquire());
//! assert!(!limiter.try_acquire()); // the burst is spent
//! # Ok::<(), chanlab_patterns::rate_limit::RateLimitError>(())
//! ```
//!
//! # Cancellation with a Context
//!
//! `done()` is a channel that disconnects when the context ends, so it fits in `select!` next
//! to the real work; ending a context ends its children.
//!
//! ```
//! use chanlab_patterns::{Context, ContextError};
//! use crossbeam_channel::{select, tick};
//! use std::time::Duration;
//!
//! let (ctx, _cancel) = Context::with_timeout(&Context::background(), Duration::from_millis(30));
//! let (child, _cancel_child) = Context::with_cancel(&ctx);
//! let ticker = tick(Duration::from_millis(5));
//! let mut ticks = 0;
//! loop {
//!     select! {
//!         recv(ticker) -> _ => ticks += 1,
//!         recv(child.done()) -> _ => break, // the parent's timeout ends the child
//!     }
//! }
//! assert!(ticks >= 1);
//! assert_eq!(child.err(), Some(ContextError::DeadlineExceeded));
//! ```
//!
//! # An errgroup: the first error wins
//!
//! ```
//! use chanlab_patterns::{Context, ErrGroup};
//!
//! let (mut group, ctx) = ErrGroup::with_context(&Context::background());
//! group.spawn(|| Err("disk full"));
//! group.spawn(move || {
//!     let _ = ctx.done().recv(); // the first error cancels the group's context
//!     Ok(())
//! });
//! assert_eq!(group.wait(), Err("disk full"));
//! ```
//!
//! # A memo cache
//!
//! Concurrent calls for one key compute it once; different keys compute in parallel.
//!
//! ```
//! use chanlab_patterns::Memo;
//!
//! let squares = Memo::new(|n: u64| n * n);
//! std::thread::scope(|s| {
//!     for _ in 0..3 {
//!         s.spawn(|| assert_eq!(squares.get(12), 144));
//!     }
//! });
//! ```
//!
//! Each module below is one step of the lesson: run it with `cargo xtask run patterns <step>`.

pub mod bounded;
pub mod context;
pub mod errgroup;
pub mod error_channel;
pub mod fan_out_fan_in;
pub mod memo;
pub mod pipeline;
pub mod rate_limit;
pub mod worker_pool;

pub use context::{CancelFn, Context, ContextError};
pub use errgroup::ErrGroup;
pub use fan_out_fan_in::{fan_out, merge};
pub use memo::Memo;
pub use pipeline::{filter, generate, map};
pub use rate_limit::RateLimiter;
pub use worker_pool::WorkerPool;

#[cfg(feature = "lesson")]
use chanlab_common::{Lesson, Step};

/// The lesson's steps, in teaching order.
#[cfg(feature = "lesson")]
pub const LESSON: Lesson = Lesson {
    name: "patterns",
    summary: "fan-out/fan-in, pipelines, worker pools, rate limits, cancellation, errgroup, memo",
    default: None,
    steps: &[
        Step::new(
            "fan_out_fan_in",
            "5.4",
            "three workers share one input; merge joins their outputs",
            fan_out_fan_in::run,
        ),
        Step::new(
            "pipeline",
            "5.4",
            "generate → filter evens → square, each stage on its own thread",
            pipeline::run,
        ),
        Step::new(
            "worker_pool",
            "5.7",
            "three workers, five jobs of 1s: done in 2s",
            worker_pool::run,
        ),
        Step::new(
            "rate_limit",
            "5.7",
            "a 200ms ticker, then a limiter with a burst of 3",
            rate_limit::run,
        ),
        Step::new(
            "error_channel",
            "5.8",
            "a worker reports success or failure; the caller gives up after a timeout",
            error_channel::run,
        ),
        Step::new(
            "context",
            "5.8",
            "timeout, cancel, children, deadline; a pipeline stopped by a timeout",
            context::run,
        ),
        Step::new(
            "errgroup",
            "5.8",
            "the first error cancels the others and is the one wait returns",
            errgroup::run,
        ),
        Step::new(
            "bounded",
            "5.7",
            "twelve tasks, at most three at once, with a Semaphore",
            bounded::run,
        ),
        Step::new(
            "memo",
            "5.8",
            "a concurrent cache: the same key is computed once, different keys in parallel",
            memo::run,
        ),
    ],
};
