//! Workloads that start threads: spawning many, a three-stage pipeline and a worker pool.

use crate::channels::{Channel, Crossbeam, StdMpsc};
use crate::{Error, Implementation, check_ops, checked, sum_below, timed};
use chanlab_channels::goroutines::{MAX_THREADS, SMALL_STACK, spawn_many};
use chanlab_patterns::{WorkerPool, filter, generate, map};
use crossbeam_channel::{bounded, unbounded};
use std::thread;

/// The rows of this group.
pub const IMPLEMENTATIONS: &[Implementation] = &[
    Implementation {
        case: "spawn",
        label: "std::thread::spawn",
        run: |s| spawn_and_join(s.ops),
    },
    Implementation {
        case: "spawn",
        label: "chanlab spawn_many (64 KiB)",
        run: |s| lesson_spawn_many(s.ops),
    },
    Implementation {
        case: "spawn",
        label: "chanlab WorkerPool (4), tiny jobs",
        run: |s| pool_of_tiny_jobs(s.ops),
    },
    Implementation {
        case: "pipeline",
        label: "chanlab generate/filter/map",
        run: |s| pipeline(s.ops),
    },
    Implementation {
        case: "pipeline",
        label: "crossbeam, hand-written",
        run: |s| pipeline_over::<Crossbeam>(s.ops),
    },
    Implementation {
        case: "pipeline",
        label: "std mpsc, hand-written",
        run: |s| pipeline_over::<StdMpsc>(s.ops),
    },
    Implementation {
        case: "worker-pool",
        label: "chanlab WorkerPool",
        run: |s| worker_pool(s.ops),
    },
    Implementation {
        case: "worker-pool",
        label: "crossbeam, hand-written",
        run: |s| worker_pool_by_hand(s.ops),
    },
];

/// `ops` threads started, each returning at once, all joined at the end; Go starts `ops`
/// goroutines. One operation: one thread started and finished.
pub fn spawn_and_join(ops: u64) -> Result<f64, Error> {
    check_ops(ops, 1, MAX_THREADS as u64)?;
    let (ns_per_op, joined) = timed(ops, || -> Result<u64, Error> {
        let handles = (0..ops)
            .map(|_| thread::Builder::new().spawn(|| 1u64))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(handles
            .into_iter()
            .map(|h| h.join().expect("the thread only returns 1"))
            .sum())
    });
    checked(ns_per_op, joined?, ops)
}

/// The channels lesson's `spawn_many`: `ops` threads with 64 KiB stacks, all alive at once.
pub fn lesson_spawn_many(ops: u64) -> Result<f64, Error> {
    check_ops(ops, 1, MAX_THREADS as u64)?;
    let (ns_per_op, report) = timed(ops, || spawn_many(ops as usize, SMALL_STACK));
    checked(ns_per_op, report?.peak as u64, ops)
}

/// No new thread per task: 4 workers of chanlab's `WorkerPool` run `ops` tiny jobs (as many as
/// the case's threads).
pub fn pool_of_tiny_jobs(ops: u64) -> Result<f64, Error> {
    check_ops(ops, 1, MAX_THREADS as u64)?;
    let (ns_per_op, sum) = timed(ops, || -> Result<u64, Error> {
        let (pool, results) = WorkerPool::new(4, |job: u64| job)?;
        for job in 0..ops {
            pool.submit(job)?;
        }
        pool.wait()?;
        Ok(results.iter().sum())
    });
    checked(ns_per_op, sum?, sum_below(ops))
}

/// The sum a pipeline of `0..ops` must give.
fn pipeline_sum(ops: u64) -> u64 {
    (0..ops)
        .filter(|n| n % 2 == 0)
        .map(square)
        .fold(0, u64::wrapping_add)
}

/// generate `0..ops` → keep the even → square with chanlab's stages, each a thread joined to
/// the next by an unbuffered channel, summed at the end. One operation: one number generated.
pub fn pipeline(ops: u64) -> Result<f64, Error> {
    let (ns_per_op, sum) = timed(ops, || {
        let squares = map(filter(generate(0..ops), |n| n % 2 == 0), square);
        squares.iter().fold(0, u64::wrapping_add)
    });
    checked(ns_per_op, sum, pipeline_sum(ops))
}

/// The same pipeline written by hand over `C`'s channels, on scoped threads.
pub fn pipeline_over<C: Channel>(ops: u64) -> Result<f64, Error> {
    let (ns_per_op, sum) = timed(ops, || {
        let (numbers_tx, numbers) = C::bounded(0);
        let (evens_tx, evens) = C::bounded(0);
        let (squares_tx, squares) = C::bounded(0);
        thread::scope(|s| {
            s.spawn(move || (0..ops).all(|n| C::send(&numbers_tx, n)));
            s.spawn(move || {
                while let Some(n) = C::recv(&numbers) {
                    if n % 2 == 0 && !C::send(&evens_tx, n) {
                        break;
                    }
                }
            });
            s.spawn(move || {
                while let Some(n) = C::recv(&evens) {
                    if !C::send(&squares_tx, square(n)) {
                        break;
                    }
                }
            });
            let mut sum = 0u64;
            while let Some(n) = C::recv(&squares) {
                sum = sum.wrapping_add(n);
            }
            sum
        })
    });
    checked(ns_per_op, sum, pipeline_sum(ops))
}

/// The pipeline's last stage; wrapping, like Go's unsigned arithmetic, so no count overflows.
fn square(n: u64) -> u64 {
    n.wrapping_mul(n)
}

/// How many rounds of arithmetic one worker-pool job does: about half a microsecond here.
pub const JOB_ROUNDS: u32 = 500;

/// A job with real work in it, the same arithmetic in Go: a chain of multiply, add and shift
/// that no compiler can skip or vectorise.
pub fn job(n: u64) -> u64 {
    let mut x = n;
    for _ in 0..JOB_ROUNDS {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x ^= x >> 33;
    }
    x
}

/// `ops` jobs of [`job`] through chanlab's `WorkerPool` of 4 workers, which take them from an
/// unbuffered channel and send results to an unbounded one; the results are folded together.
/// One operation: one job submitted, done and its result received.
pub fn worker_pool(ops: u64) -> Result<f64, Error> {
    let (ns_per_op, folded) = timed(ops, || -> Result<u64, Error> {
        let (pool, results) = WorkerPool::new(4, job)?;
        for n in 0..ops {
            pool.submit(n)?;
        }
        pool.wait()?;
        Ok(results.iter().fold(0, u64::wrapping_add))
    });
    checked(ns_per_op, folded?, jobs_folded(ops))
}

/// The same pool written by hand with crossbeam's channels, on scoped threads.
pub fn worker_pool_by_hand(ops: u64) -> Result<f64, Error> {
    let (ns_per_op, folded) = timed(ops, || {
        let (jobs_tx, jobs) = bounded::<u64>(0);
        let (results_tx, results) = unbounded();
        thread::scope(|s| {
            for _ in 0..4 {
                let (jobs, results_tx) = (jobs.clone(), results_tx.clone());
                s.spawn(move || {
                    for n in &jobs {
                        let _ = results_tx.send(job(n));
                    }
                });
            }
            drop(results_tx);
            for n in 0..ops {
                if jobs_tx.send(n).is_err() {
                    break;
                }
            }
            drop(jobs_tx);
            results.iter().fold(0, u64::wrapping_add)
        })
    });
    checked(ns_per_op, folded, jobs_folded(ops))
}

/// What folding the results of jobs `0..ops` must give.
fn jobs_folded(ops: u64) -> u64 {
    (0..ops).map(job).fold(0, u64::wrapping_add)
}
