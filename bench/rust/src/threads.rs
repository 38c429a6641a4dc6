//! Workloads that start threads: spawning many, a three-stage pipeline and a worker pool.

use crate::channels::{Channel, Crossbeam, StdMpsc};
use crate::{Error, Sample, check, check_ops, timed};
use chanlab_channels::goroutines::{MAX_THREADS, SMALL_STACK, spawn_many};
use chanlab_patterns::{WorkerPool, filter, generate, map};
use crossbeam_channel::{bounded, unbounded};
use std::thread;

/// `ops` threads started and joined, three ways; Go starts `ops` goroutines. One operation: one
/// thread (or job) started and finished.
///
/// - `std::thread::spawn`: each thread returns at once; all are joined at the end.
/// - `chanlab spawn_many`: the channels lesson's 64 KiB-stack threads, all alive at once.
/// - `chanlab WorkerPool`: no new thread per task: 4 workers run `ops` tiny jobs.
pub fn spawn(ops: u64) -> Result<Vec<Sample>, Error> {
    check_ops("spawn", ops, 1, MAX_THREADS as u64)?;
    let n = ops as usize;
    let (plain, joined) = timed(ops, || -> Result<u64, Error> {
        let handles = (0..n)
            .map(|_| thread::Builder::new().spawn(|| 1u64))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(handles
            .into_iter()
            .map(|h| h.join().expect("the thread only returns 1"))
            .sum())
    });
    check("spawn", "std::thread::spawn", joined?, ops)?;
    let (many, report) = timed(ops, || spawn_many(n, SMALL_STACK));
    check("spawn", "chanlab spawn_many", report?.peak as u64, ops)?;
    let (pooled, sum) = timed(ops, || -> Result<u64, Error> {
        let (pool, results) = WorkerPool::new(4, |job: u64| job)?;
        for job in 0..ops {
            pool.submit(job)?;
        }
        pool.wait()?;
        Ok(results.iter().sum())
    });
    check("spawn", "chanlab WorkerPool", sum?, crate::sum_below(ops))?;
    Ok(vec![
        Sample {
            label: "std::thread::spawn",
            ns_per_op: plain,
        },
        Sample {
            label: "chanlab spawn_many (64 KiB)",
            ns_per_op: many,
        },
        Sample {
            label: "chanlab WorkerPool (4), tiny jobs",
            ns_per_op: pooled,
        },
    ])
}

/// generate `0..ops` → keep the even → square, each stage a thread joined to the next by an
/// unbuffered channel, summed at the end. One operation: one number generated.
pub fn pipeline(ops: u64) -> Result<Vec<Sample>, Error> {
    let expected = (0..ops)
        .filter(|n| n % 2 == 0)
        .map(square)
        .fold(0, u64::wrapping_add);
    let (ours, sum) = timed(ops, || {
        let squares = map(filter(generate(0..ops), |n| n % 2 == 0), square);
        squares.iter().fold(0, u64::wrapping_add)
    });
    check("pipeline", "chanlab generate/filter/map", sum, expected)?;
    Ok(vec![
        Sample {
            label: "chanlab generate/filter/map",
            ns_per_op: ours,
        },
        pipeline_over::<Crossbeam>("crossbeam, hand-written", ops, expected)?,
        pipeline_over::<StdMpsc>("std mpsc, hand-written", ops, expected)?,
    ])
}

fn pipeline_over<C: Channel>(
    label: &'static str,
    ops: u64,
    expected: u64,
) -> Result<Sample, Error> {
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
    check("pipeline", label, sum, expected)?;
    Ok(Sample { label, ns_per_op })
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

/// `ops` jobs of [`job`] through a pool of 4 workers that take them from an unbuffered channel
/// and send results to an unbounded one; the results are folded together. One operation: one
/// job submitted, done and its result received.
pub fn worker_pool(ops: u64) -> Result<Vec<Sample>, Error> {
    let expected = (0..ops).map(job).fold(0, u64::wrapping_add);
    let (ours, folded) = timed(ops, || -> Result<u64, Error> {
        let (pool, results) = WorkerPool::new(4, job)?;
        for n in 0..ops {
            pool.submit(n)?;
        }
        pool.wait()?;
        Ok(results.iter().fold(0, u64::wrapping_add))
    });
    check("worker-pool", "chanlab WorkerPool", folded?, expected)?;
    let (raw, folded) = timed(ops, || {
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
    check("worker-pool", "crossbeam, hand-written", folded, expected)?;
    Ok(vec![
        Sample {
            label: "chanlab WorkerPool",
            ns_per_op: ours,
        },
        Sample {
            label: "crossbeam, hand-written",
            ns_per_op: raw,
        },
    ])
}
