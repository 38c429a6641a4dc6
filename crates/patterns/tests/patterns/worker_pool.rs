//! Tests of the `worker_pool` step and `WorkerPool`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, one_run_in_three, run_step, within};
use chanlab_patterns::WorkerPool;
use chanlab_patterns::worker_pool::{self, PoolError};
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn the_step_runs_each_job_once_on_a_named_worker() {
    let t = run_step(worker_pool::run, 0.05);
    assert!(t.contains("results: [2, 4, 6, 8, 10]"), "{t}");
    for job in 1..=5 {
        let started = t
            .find(&format!("started job {job}"))
            .unwrap_or_else(|| panic!("job {job} never started:\n{t}"));
        let finished = t
            .find(&format!("finished job {job}"))
            .unwrap_or_else(|| panic!("job {job} never finished:\n{t}"));
        assert!(started.thread.starts_with("worker "), "{t}");
        assert_eq!(started.thread, finished.thread, "{t}");
        assert!(started.text.starts_with(&started.thread), "{t}");
    }
    assert_eq!(t.count("started job"), 5, "{t}");
}

#[test]
fn workers_run_jobs_in_parallel() {
    let run = || {
        let (took, mut results) = no_threads_left(STEP_DEADLINE, || {
            let start = Instant::now();
            let (pool, results) = WorkerPool::new(4, |job: u32| {
                thread::sleep(Duration::from_millis(50));
                job
            })
            .unwrap();
            for job in 0..8 {
                pool.submit(job).unwrap();
            }
            pool.wait().unwrap();
            (start.elapsed(), results.iter().collect::<Vec<_>>())
        });
        results.sort_unstable();
        assert_eq!(results, (0..8).collect::<Vec<_>>());
        took
    };
    let sequential = Duration::from_millis(8 * 50);
    one_run_in_three("4 workers, 8 jobs of 50 ms", run, |took| {
        *took < sequential.mul_f64(0.6)
    });
}

#[test]
fn results_close_once_the_workers_are_done() {
    let got = within(STEP_DEADLINE, || {
        let (pool, results) = WorkerPool::new(2, |job: &str| job.len()).unwrap();
        pool.submit("gopher").unwrap();
        pool.submit("crab").unwrap();
        pool.wait().unwrap();
        results.iter().sum::<usize>()
    });
    assert_eq!(got, 10);
}

#[test]
fn zero_workers_is_an_error() {
    assert_eq!(
        WorkerPool::new(0, |job: u8| job).err(),
        Some(PoolError::NoWorkers)
    );
}

#[test]
fn a_panicking_job_is_reported_and_the_other_jobs_still_run() {
    let (outcome, mut results) = no_threads_left(STEP_DEADLINE, || {
        let (pool, results) = WorkerPool::new(2, |job: u32| {
            assert!(job != 3, "job 3 fails");
            job
        })
        .unwrap();
        for job in 0..6 {
            pool.submit(job).unwrap();
        }
        (pool.wait(), results.iter().collect::<Vec<_>>())
    });
    assert!(
        matches!(outcome, Err(PoolError::WorkerPanicked { .. })),
        "{outcome:?}"
    );
    results.sort_unstable();
    assert_eq!(results, [0, 1, 2, 4, 5]);
}

#[test]
fn when_every_worker_has_stopped_submit_fails_instead_of_hanging() {
    no_threads_left(STEP_DEADLINE, || {
        let (pool, _results) =
            WorkerPool::new(1, |_: u32| -> u32 { panic!("every job fails") }).unwrap();
        pool.submit(1).unwrap();
        let mut refused = false;
        for job in 2..1000 {
            if pool.submit(job) == Err(PoolError::Stopped) {
                refused = true;
                break;
            }
        }
        assert!(refused, "a pool with no live worker accepted every job");
    });
}

#[test]
fn dropping_the_pool_joins_its_workers() {
    no_threads_left(STEP_DEADLINE, || {
        let (pool, results) = WorkerPool::new(3, |job: u32| job + 1).unwrap();
        pool.submit(1).unwrap();
        drop(pool);
        assert_eq!(results.iter().collect::<Vec<_>>(), [2]);
    });
}
