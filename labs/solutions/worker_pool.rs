//! Lab `worker_pool` (course section 5.7), reference solution: a fixed number of workers share a
//! queue of jobs.

use crossbeam::channel::unbounded;
use std::thread;
use std::time::{Duration, Instant};

/// Runs `work` on every job using `workers` threads (at least one), and returns the results in
/// the order of the jobs.
pub fn run_pool(jobs: &[u64], workers: usize, work: fn(u64) -> u64) -> Vec<u64> {
    let (job_tx, job_rx) = unbounded();
    let (result_tx, result_rx) = unbounded();
    let pool: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let (jobs, results) = (job_rx.clone(), result_tx.clone());
            thread::spawn(move || {
                for (index, job) in jobs {
                    let _ = results.send((index, work(job)));
                }
            })
        })
        .collect();
    for job in jobs.iter().copied().enumerate() {
        job_tx.send(job).expect("the workers are alive");
    }
    // Close the queue: each worker's loop ends once the queue is empty.
    drop(job_tx);
    drop(result_tx);
    let mut results = vec![0; jobs.len()];
    for (index, result) in result_rx {
        results[index] = result;
    }
    for worker in pool {
        worker.join().expect("a worker panicked");
    }
    results
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
