//! The Rust half of `cargo xtask bench`: each workload timed with chanlab's building blocks and,
//! where they exist, with raw crossbeam, std and other crates beside them, so any overhead of
//! ours shows.
//!
//! Go's twins of these workloads are in `bench/go/`; `cargo xtask bench` runs both and prints
//! one table. A case is one workload; each of its rows is an [`Implementation`], a function
//! from a number of operations to nanoseconds per operation. Every implementation checks its own
//! result, so a broken one fails instead of reporting a fast wrong answer.
//!
//! ```
//! let rows = chanlab_bench::implementations("spsc-cap100");
//! assert_eq!(rows[0].label, "crossbeam");
//! let ns_per_op = (rows[0].run)(&chanlab_bench::Setup::ops(1_000))?;
//! assert!(ns_per_op > 0.0);
//! # Ok::<(), chanlab_bench::Error>(())
//! ```

pub mod channels;
pub mod http;
pub mod rendezvous;
pub mod sync;
pub mod tasks;
pub mod threads;

use std::time::{Duration, Instant};

/// What can stop a workload. A variant that wraps an error leaves it to the chain (`{:#}`), which
/// prints it after the variant's own words.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A workload computed something else than it should: a bug, not a slow run.
    #[error("got {got}, expected {expected}")]
    WrongResult {
        /// What it computed.
        got: u64,
        /// What it should have.
        expected: u64,
    },
    /// The operating system could not start a thread.
    #[error("could not start a thread")]
    Spawn(#[from] std::io::Error),
    /// chanlab's worker pool failed.
    #[error("worker pool")]
    Pool(#[from] chanlab_patterns::worker_pool::PoolError),
    /// A workload that talks to a server was not told where it is.
    #[error("this workload needs --target <url>")]
    NoTarget,
    /// chanlab's server could not start or stop.
    #[error("server")]
    Server(#[from] chanlab_server::Error),
    /// Writing the server's address failed.
    #[error("could not write the server's address: {0}")]
    Output(std::io::Error),
    /// A fetch failed.
    #[error("fetch failed: {0}")]
    Fetch(String),
    /// The number of operations is out of the workload's range.
    #[error("this workload needs {min} to {max} operations, not {ops}")]
    Ops {
        /// The fewest it takes.
        min: u64,
        /// The most it takes.
        max: u64,
        /// What it was given.
        ops: u64,
    },
}

/// How a workload runs.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// How many operations to time (each case says what one is).
    pub ops: u64,
    /// The server to talk to, for workloads that need one: `http://127.0.0.1:PORT`.
    pub target: Option<String>,
}

impl Setup {
    /// A setup of `ops` operations and no server.
    pub fn ops(ops: u64) -> Setup {
        Setup { ops, target: None }
    }
}

/// One row of the table: one implementation of one case.
#[derive(Clone, Copy, Debug)]
pub struct Implementation {
    /// The case it runs: the workload's name, the same in Rust and Go.
    pub case: &'static str,
    /// What it is in the table: `crossbeam`, `std mpsc`, `chanlab WorkerPool`...
    pub label: &'static str,
    /// Runs the workload once and returns nanoseconds per operation.
    pub run: fn(&Setup) -> Result<f64, Error>,
}

/// Every implementation, a group (a module) at a time; a case's rows come in this order. A new
/// group of rows is a module with its own `IMPLEMENTATIONS`, added here.
pub const GROUPS: &[&[Implementation]] = &[
    channels::IMPLEMENTATIONS,
    rendezvous::IMPLEMENTATIONS,
    threads::IMPLEMENTATIONS,
    sync::IMPLEMENTATIONS,
    tasks::IMPLEMENTATIONS,
    http::IMPLEMENTATIONS,
];

/// The cases, in the order they first appear in [`GROUPS`]. (The server cases are run by `cargo
/// xtask bench` with `wrk` against [`http::serve`]; they have no implementation here.)
pub fn cases() -> Vec<&'static str> {
    let mut cases: Vec<&'static str> = Vec::new();
    for implementation in GROUPS.iter().copied().flatten() {
        if !cases.contains(&implementation.case) {
            cases.push(implementation.case);
        }
    }
    cases
}

/// The implementations of `case`, in table order; empty for an unknown case.
pub fn implementations(case: &str) -> Vec<&'static Implementation> {
    GROUPS
        .iter()
        .copied()
        .flatten()
        .filter(|i| i.case == case)
        .collect()
}

/// The most operations any workload takes: the sums the workloads check stay within `u64`.
pub const MAX_OPS: u64 = 1_000_000_000;

/// Runs `f` and returns the nanoseconds it took per operation, with its result.
pub fn timed<T>(ops: u64, f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let result = f();
    (per_op(start.elapsed(), ops), result)
}

/// `elapsed` divided by `ops`, in nanoseconds.
pub fn per_op(elapsed: Duration, ops: u64) -> f64 {
    elapsed.as_nanos() as f64 / ops.max(1) as f64
}

/// `ns_per_op` if `got` is `expected`, else [`Error::WrongResult`].
pub fn checked(ns_per_op: f64, got: u64, expected: u64) -> Result<f64, Error> {
    if got == expected {
        Ok(ns_per_op)
    } else {
        Err(Error::WrongResult { got, expected })
    }
}

/// `Ok` if `ops` is within `min..=max`, else [`Error::Ops`].
pub fn check_ops(ops: u64, min: u64, max: u64) -> Result<(), Error> {
    if (min..=max).contains(&ops) {
        Ok(())
    } else {
        Err(Error::Ops { min, max, ops })
    }
}

/// The sum of `0..n`: what a channel workload that sends `0..n` must receive.
pub fn sum_below(n: u64) -> u64 {
    if n == 0 { 0 } else { n * (n - 1) / 2 }
}
