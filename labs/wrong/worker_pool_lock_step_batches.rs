// Mistake: lock-step batches. It runs the jobs in batches of fresh threads, one per job, and waits for each batch to finish.

use std::thread;
use std::time::{Duration, Instant};

/// Runs `work` on every job using `workers` threads (at least one), and returns the results in
/// the order of the jobs.
pub fn run_pool(jobs: &[u64], workers: usize, work: fn(u64) -> u64) -> Vec<u64> {
    let mut results = Vec::with_capacity(jobs.len());
    for batch in jobs.chunks(workers.max(1)) {
        let running: Vec<_> = batch
            .iter()
            .map(|&job| thread::spawn(move || work(job)))
            .collect();
        for job in running {
            results.push(job.join().expect("a job panicked"));
        }
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
