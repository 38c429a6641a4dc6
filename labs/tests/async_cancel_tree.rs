//! Tests of the `async_cancel_tree` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.
//!
//! They run on a paused clock: a job's sleep takes no real time, and the clock jumps to the next
//! timer once every task waits, so the times measured are exact whatever the machine.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/async_cancel_tree.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/async_cancel_tree.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::no_threads_left;
use lab::{Job, JobFuture};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

const DEADLINE: Duration = Duration::from_secs(10);

fn flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

fn set(flag: &AtomicBool) -> bool {
    flag.load(Ordering::SeqCst)
}

/// A job that works `ms` milliseconds, then ends with `outcome`; cancelled first, it sets
/// `noticed` and ends with "cancelled".
fn job(ms: u64, outcome: Result<(), &'static str>, noticed: Arc<AtomicBool>) -> Job {
    Box::new(move |token: CancellationToken| -> JobFuture {
        Box::pin(async move {
            tokio::select! {
                () = token.cancelled() => {
                    noticed.store(true, Ordering::SeqCst);
                    Err("cancelled".to_string())
                }
                () = sleep(Duration::from_millis(ms)) => outcome.map_err(str::to_string),
            }
        })
    })
}

/// A job that starts one sub-task per flag, each with a child of its token, working 10 s unless
/// cancelled (then it sets its flag), and waits for them.
fn job_with_sub_tasks(noticed: Vec<Arc<AtomicBool>>) -> Job {
    Box::new(move |token: CancellationToken| -> JobFuture {
        Box::pin(async move {
            let subs: Vec<_> = noticed
                .into_iter()
                .map(|noticed| {
                    let token = token.child_token();
                    tokio::spawn(async move {
                        tokio::select! {
                            () = token.cancelled() => noticed.store(true, Ordering::SeqCst),
                            () = sleep(Duration::from_secs(10)) => {}
                        }
                    })
                })
                .collect();
            for sub in subs {
                let _ = sub.await;
            }
            match token.is_cancelled() {
                true => Err("cancelled".to_string()),
                false => Ok(()),
            }
        })
    })
}

/// A job that, once cancelled, takes 50 ms to wind down, then sets `ended`.
fn winding_down(ended: Arc<AtomicBool>) -> Job {
    Box::new(move |token: CancellationToken| -> JobFuture {
        Box::pin(async move {
            tokio::select! {
                () = token.cancelled() => {}
                () = sleep(Duration::from_secs(10)) => {}
            }
            sleep(Duration::from_millis(50)).await;
            ended.store(true, Ordering::SeqCst);
            Err("cancelled".to_string())
        })
    })
}

/// What a run gave: the result, the time it took on the paused clock, the tasks still alive
/// when it returned.
struct Run {
    result: Result<(), String>,
    took: Duration,
    alive: usize,
}

/// Runs `run_all(jobs)` on a current-thread runtime with a paused clock.
fn run(jobs: Vec<Job>) -> Run {
    no_threads_left(DEADLINE, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let start = Instant::now();
            let result = lab::run_all(jobs).await;
            let took = start.elapsed();
            let alive = Handle::current().metrics().num_alive_tasks();
            Run {
                result,
                took,
                alive,
            }
        })
    })
}

#[test]
fn the_first_error_in_time_wins() {
    let run = run(vec![
        job(400, Err("late"), flag()),
        job(50, Err("early"), flag()),
        job(100, Ok(()), flag()),
    ]);
    assert_eq!(
        run.result,
        Err("early".to_string()),
        "\"early\" failed at 50 ms, \"late\" at 400 ms"
    );
}

#[test]
fn the_first_error_cancels_the_others_at_once() {
    let noticed = flag();
    let run = run(vec![
        job(10_000, Ok(()), noticed.clone()),
        job(50, Err("boom"), flag()),
    ]);
    assert_eq!(
        run.result,
        Err("boom".to_string()),
        "the first error was \"boom\", at 50 ms (\"cancelled\" is what a job says once the error \
         has cancelled it: not the cause)"
    );
    assert!(
        set(&noticed),
        "the 10 s job was never told to stop after the error"
    );
    assert!(
        run.took < Duration::from_millis(100),
        "run_all took {:?}: after the error at 50 ms, the other job should be cancelled at once",
        run.took
    );
}

#[test]
fn the_cancel_reaches_the_tasks_the_jobs_started() {
    let noticed: Vec<Arc<AtomicBool>> = (0..3).map(|_| flag()).collect();
    let run = run(vec![
        job_with_sub_tasks(noticed.clone()),
        job(20, Err("boom"), flag()),
    ]);
    assert_eq!(
        run.result,
        Err("boom".to_string()),
        "the first error was \"boom\", at 20 ms; the jobs it cancelled answer \"cancelled\" \
         later, and those are not the cause: keep the first error only"
    );
    let reached = noticed.iter().filter(|n| set(n)).count();
    assert_eq!(
        reached, 3,
        "only {reached} of the 3 sub-tasks a job started with child tokens saw the cancel: \
         cancel the token the jobs were given (aborting a job's task stops the job but not the \
         tasks it started, and cancels no token)"
    );
    assert!(
        run.took < Duration::from_millis(100),
        "run_all took {:?}: the error at 20 ms should end the sub-tasks too",
        run.took
    );
    assert_eq!(
        run.alive, 0,
        "{} tasks were still alive after run_all",
        run.alive
    );
}

#[test]
fn without_an_error_it_waits_for_every_job() {
    let run = run(vec![job(100, Ok(()), flag()), job(300, Ok(()), flag())]);
    assert_eq!(run.result, Ok(()));
    assert!(
        run.took >= Duration::from_millis(300),
        "run_all returned after {:?}, before the 300 ms job had ended",
        run.took
    );
    assert_eq!(
        run.alive, 0,
        "{} tasks were still alive after run_all",
        run.alive
    );
    assert_eq!(self::run(Vec::new()).result, Ok(()));
}

#[test]
fn it_returns_only_once_the_cancelled_jobs_have_ended() {
    // Jobs that take 50 ms to wind down once cancelled: run_all must wait for them.
    let ended: Vec<Arc<AtomicBool>> = (0..4).map(|_| flag()).collect();
    let mut jobs: Vec<Job> = ended.iter().map(|e| winding_down(e.clone())).collect();
    jobs.push(job(30, Err("boom"), flag()));
    let run = run(jobs);
    assert_eq!(
        run.result,
        Err("boom".to_string()),
        "the first error was \"boom\", at 30 ms: keep the first error only"
    );
    let stopped = ended.iter().filter(|e| set(e)).count();
    assert_eq!(
        stopped, 4,
        "only {stopped} of the 4 cancelled jobs had ended when run_all returned: join every job \
         before returning"
    );
    assert_eq!(
        run.alive, 0,
        "{} tasks were still alive after run_all",
        run.alive
    );
    assert!(
        run.took < Duration::from_millis(200),
        "run_all took {:?}: the error at 30 ms should cancel the other jobs at once, and 50 ms \
         to wind down make 80 ms",
        run.took
    );
}
