//! Tests of the `worker_pool` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/worker_pool.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/worker_pool.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, timed};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(5);

/// Jobs running right now, and the most there have been at once (the tests run one at a time).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static MOST: AtomicUsize = AtomicUsize::new(0);

/// Squares `n` in 100 ms, keeping count of how many jobs run at once.
fn square_slowly(n: u64) -> u64 {
    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
    MOST.fetch_max(now, Ordering::SeqCst);
    thread::sleep(Duration::from_millis(100));
    RUNNING.fetch_sub(1, Ordering::SeqCst);
    n * n
}

/// Runs the pool and returns its results, how long it took, and the most jobs that ran at once.
fn run(jobs: &'static [u64], workers: usize) -> (Vec<u64>, Duration, usize) {
    MOST.store(0, Ordering::SeqCst);
    let (results, took) = no_threads_left(DEADLINE, move || {
        timed(|| lab::run_pool(jobs, workers, square_slowly))
    });
    (results, took, MOST.load(Ordering::SeqCst))
}

#[test]
fn results_come_back_in_job_order() {
    let (results, _, _) = run(&[3, 1, 4, 1, 5, 9, 2, 6], 3);
    assert_eq!(results, [9, 1, 16, 1, 25, 81, 4, 36]);
    let (results, _, _) = run(&[], 2);
    assert!(results.is_empty());
    let (results, _, _) = run(&[7], 0);
    assert_eq!(results, [49], "0 workers counts as one");
}

#[test]
fn the_workers_share_the_jobs() {
    let (_, took, most) = run(&[1, 2, 3, 4, 5, 6, 7, 8], 4);
    assert!(
        most >= 2,
        "at most {most} job ran at a time: the jobs did not run on 4 workers"
    );
    // One after another, 8 jobs of 100 ms take 800 ms; on 4 workers, about 200 ms.
    assert!(
        took < Duration::from_millis(500),
        "8 jobs on 4 workers took {took:?}"
    );
}

#[test]
fn no_more_jobs_run_at_once_than_there_are_workers() {
    let (_, _, most) = run(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
    assert!(
        most <= 3,
        "{most} jobs ran at once with 3 workers: a pool must bound the work in progress"
    );
}
