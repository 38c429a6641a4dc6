//! The Rust half of `cargo xtask bench`: each workload timed with chanlab's building blocks and,
//! where they exist, with raw crossbeam and std beside them, so any overhead of ours shows.
//!
//! Go's twins of these workloads are in `bench/go/`; `cargo xtask bench` runs both and prints
//! one table. A workload is one function from a number of operations to a [`Sample`] per
//! implementation; every workload checks its own result, so a broken one fails instead of
//! reporting a fast wrong answer.
//!
//! ```
//! let workload = chanlab_bench::find("spsc-cap100").unwrap();
//! let samples = (workload.run)(&chanlab_bench::Setup::ops(1_000))?;
//! assert_eq!(samples[0].label, "crossbeam");
//! assert!(samples.iter().all(|s| s.ns_per_op > 0.0));
//! # Ok::<(), chanlab_bench::Error>(())
//! ```

pub mod channels;
pub mod http;
pub mod sync;
pub mod threads;

use std::time::{Duration, Instant};

/// What can stop a workload.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A workload computed something else than it should: a bug, not a slow run.
    #[error("{case} ({label}): got {got}, expected {expected}")]
    WrongResult {
        /// The workload.
        case: &'static str,
        /// The implementation that went wrong.
        label: &'static str,
        /// What it computed.
        got: u64,
        /// What it should have.
        expected: u64,
    },
    /// The operating system could not start a thread.
    #[error("could not start a thread: {0}")]
    Spawn(#[from] std::io::Error),
    /// chanlab's worker pool failed.
    #[error("worker pool: {0}")]
    Pool(#[from] chanlab_patterns::worker_pool::PoolError),
    /// A workload that talks to a server was not told where it is.
    #[error("{0} needs --target <url>")]
    NoTarget(&'static str),
    /// chanlab's server could not start or stop.
    #[error("server: {0}")]
    Server(#[from] chanlab_server::Error),
    /// Writing the server's address failed.
    #[error("could not write the server's address: {0}")]
    Output(std::io::Error),
    /// A fetch failed.
    #[error("fetch failed: {0}")]
    Fetch(String),
    /// The number of operations is out of the workload's range.
    #[error("{case} needs {min} to {max} operations, not {ops}")]
    Ops {
        /// The workload.
        case: &'static str,
        /// The fewest it takes.
        min: u64,
        /// The most it takes.
        max: u64,
        /// What it was given.
        ops: u64,
    },
}

/// The time one implementation took per operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The implementation: `crossbeam`, `std mpsc`, `chanlab WorkerPool`...
    pub label: &'static str,
    /// Nanoseconds per operation.
    pub ns_per_op: f64,
}

/// How a workload runs.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// How many operations to time (each workload says what one is).
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

/// A named workload.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    /// Its name on the command line, the same in Rust and Go.
    pub name: &'static str,
    /// Runs it once and returns one sample per implementation, ours first.
    pub run: fn(&Setup) -> Result<Vec<Sample>, Error>,
}

/// The most operations any workload takes: the sums the workloads check stay within `u64`.
pub const MAX_OPS: u64 = 1_000_000_000;

/// Every workload, in table order. (The server cases are run by `cargo xtask bench` with `wrk`
/// against [`http::serve`]; they have no workload function.)
pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "spsc-unbuffered",
        run: |s| channels::spsc("spsc-unbuffered", 0, s.ops),
    },
    Workload {
        name: "spsc-cap1",
        run: |s| channels::spsc("spsc-cap1", 1, s.ops),
    },
    Workload {
        name: "spsc-cap100",
        run: |s| channels::spsc("spsc-cap100", 100, s.ops),
    },
    Workload {
        name: "mpmc-cap0",
        run: |s| channels::mpmc("mpmc-cap0", 0, s.ops),
    },
    Workload {
        name: "mpmc-cap100",
        run: |s| channels::mpmc("mpmc-cap100", 100, s.ops),
    },
    Workload {
        name: "ping-pong",
        run: |s| channels::ping_pong(s.ops),
    },
    Workload {
        name: "select",
        run: |s| channels::select(s.ops),
    },
    Workload {
        name: "spawn",
        run: |s| threads::spawn(s.ops),
    },
    Workload {
        name: "pipeline",
        run: |s| threads::pipeline(s.ops),
    },
    Workload {
        name: "worker-pool",
        run: |s| threads::worker_pool(s.ops),
    },
    Workload {
        name: "mutex",
        run: |s| sync::mutex(s.ops),
    },
    Workload {
        name: "waitgroup",
        run: |s| sync::waitgroup(s.ops),
    },
    Workload {
        name: "context-cancel",
        run: |s| sync::context_cancel(s.ops),
    },
    Workload {
        name: "fetchall",
        run: http::fetchall,
    },
];

/// The workload called `name`.
pub fn find(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

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

/// `Ok` if `got` is `expected`, else [`Error::WrongResult`].
pub fn check(
    case: &'static str,
    label: &'static str,
    got: u64,
    expected: u64,
) -> Result<(), Error> {
    if got == expected {
        Ok(())
    } else {
        Err(Error::WrongResult {
            case,
            label,
            got,
            expected,
        })
    }
}

/// `Ok` if `ops` is within `min..=max`, else [`Error::Ops`].
pub fn check_ops(case: &'static str, ops: u64, min: u64, max: u64) -> Result<(), Error> {
    if (min..=max).contains(&ops) {
        Ok(())
    } else {
        Err(Error::Ops {
            case,
            min,
            max,
            ops,
        })
    }
}

/// The sum of `0..n`: what a channel workload that sends `0..n` must receive.
pub fn sum_below(n: u64) -> u64 {
    if n == 0 { 0 } else { n * (n - 1) / 2 }
}
