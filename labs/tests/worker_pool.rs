//! Tests of the `worker_pool` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/worker_pool.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/worker_pool.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{count_threads, no_threads_left, seeded, timed};
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

/// Sleeps for `ms` milliseconds and returns it.
fn sleep_for(ms: u64) -> u64 {
    thread::sleep(Duration::from_millis(ms));
    ms
}

#[test]
fn a_fixed_pool_runs_every_job_on_the_workers_it_was_asked_for() {
    let (results, threads) = no_threads_left(DEADLINE, || {
        count_threads(|| lab::run_pool(&[30; 12], 3, sleep_for))
    });
    assert_eq!(results, [30; 12]);
    if let Some(threads) = threads {
        assert!(
            threads.started <= 3,
            "3 workers were asked for and {} threads ran ({} at once): start the workers once, \
             and let them take jobs from one shared queue until it closes",
            threads.started,
            threads.most_at_once
        );
    }
}

#[test]
fn a_long_job_does_not_hold_up_the_other_workers() {
    seeded(|rng| {
        // A long job at the head of every three; short ones between. A pool keeps the other two
        // workers on the short jobs while one runs a long one; batches of three wait for each
        // batch's long job in turn.
        let jobs: Vec<u64> = (0..9)
            .map(|i| {
                if i % 3 == 0 {
                    rng.between(400, 600)
                } else {
                    rng.between(20, 60)
                }
            })
            .collect();
        let longest = *jobs.iter().max().expect("jobs");
        // Batches take at least the three long jobs one after another; a pool about the
        // longest. The bound lies between, far from both.
        let in_turn: u64 = jobs.iter().step_by(3).sum();
        let (results, took) = no_threads_left(DEADLINE, {
            let jobs = jobs.clone();
            move || timed(|| lab::run_pool(&jobs, 3, sleep_for))
        });
        assert_eq!(results, jobs, "each result in its job's place");
        let bound = Duration::from_millis(in_turn * 4 / 5);
        assert!(
            took < bound,
            "jobs of {jobs:?} ms on 3 workers took {took:?}, and a pool needs about {longest} ms: \
             the workers waited for each other. Let each worker take the next job as soon as it \
             is free, instead of running the jobs in batches"
        );
    });
}
