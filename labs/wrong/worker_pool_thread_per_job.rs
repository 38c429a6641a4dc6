// Mistake: the wrong number of workers. It starts a thread per job and bounds them with a semaphore, instead of a fixed pool sharing one queue.

use crossbeam::channel::{bounded, unbounded};
use std::thread;
use std::time::{Duration, Instant};

/// Runs `work` on every job using `workers` threads (at least one), and returns the results in
/// the order of the jobs.
pub fn run_pool(jobs: &[u64], workers: usize, work: fn(u64) -> u64) -> Vec<u64> {
    // A semaphore: a token per worker, taken before a job runs and given back after.
    let (token_tx, token_rx) = bounded(workers.max(1));
    for _ in 0..workers.max(1) {
        token_tx.send(()).expect("room for every token");
    }
    let (result_tx, result_rx) = unbounded();
    let pool: Vec<_> = jobs
        .iter()
        .copied()
        .enumerate()
        .map(|(index, job)| {
            let (tokens_in, tokens_out, results) =
                (token_rx.clone(), token_tx.clone(), result_tx.clone());
            thread::spawn(move || {
                tokens_in.recv().expect("the tokens are there");
                let _ = results.send((index, work(job)));
                let _ = tokens_out.send(());
            })
        })
        .collect();
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
