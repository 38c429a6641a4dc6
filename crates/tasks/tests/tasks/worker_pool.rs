//! The `worker_pool` step: bounded concurrency.
use chanlab_common::testing::{fast_in_one_of_three, lesson_secs};
use chanlab_tasks::worker_pool;

const PACE: f64 = 0.05;

#[test]
fn twelve_jobs_three_at_a_time_take_four_job_times() {
    fast_in_one_of_three(
        worker_pool::run,
        PACE,
        |t| {
            assert!(
                t.contains("Semaphore(3): 12 tasks spawned at once, at most 3 at work"),
                "{t}"
            );
            assert!(
                t.contains("JoinSet of 3: a task spawned as another ends, at most 3 at work"),
                "{t}"
            );
            assert_eq!(t.count("650"), 2, "{t}");
            // Never fewer than four rounds of 1 s: the limit held.
            for line in t.lines() {
                assert!(lesson_secs(line, "done in", PACE) >= 3.9, "{t}");
            }
        },
        // Three at a time, not one: four rounds, not twelve.
        |t| {
            t.lines()
                .iter()
                .all(|line| lesson_secs(line, "done in", PACE) < 6.0)
        },
    );
}
