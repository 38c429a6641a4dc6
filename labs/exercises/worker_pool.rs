//! Lab `worker_pool` (course section 5.7): a fixed number of workers share a queue of jobs.
//!
//! A pool bounds the work in progress: however many jobs there are, at most `workers` run at once.
//! The usual shape: a `jobs` channel that every worker receives from (crossbeam's `Receiver` can be
//! cloned: each job goes to exactly one worker), and a `results` channel they all send on.
//!
//! Check: `cargo xtask lab check worker_pool`. Experiment: `cargo xtask lab run worker_pool`.
//! The tests live in `labs/tests/worker_pool.rs`: read them, don't edit them.

use std::thread;
use std::time::{Duration, Instant};

/// Runs `work` on every job using `workers` threads (at least one), and returns the results in
/// the order of the jobs.
pub fn run_pool(jobs: &[u64], workers: usize, work: fn(u64) -> u64) -> Vec<u64> {
    // TODO: this runs every job on the calling thread, one after another. Start `workers` threads
    // (at least one) that take `(index, job)` pairs from a shared jobs channel and send
    // `(index, result)` on a results channel; close the jobs channel once every job is queued,
    // then put the results back in job order. Join the workers before returning.
    let _ = workers; // unused so far
    jobs.iter().map(|&job| work(job)).collect()
}

/// A job that takes a while: 100 ms to double a number.
fn double_slowly(n: u64) -> u64 {
    thread::sleep(Duration::from_millis(100));
    n * 2
}

fn main() {
    let jobs: Vec<u64> = (1..=9).collect();
    let start = Instant::now();
    let results = run_pool(&jobs, 3, double_slowly);
    println!("{results:?} in {:.2}s", start.elapsed().as_secs_f64());
}
