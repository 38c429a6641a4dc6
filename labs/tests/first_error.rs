//! Tests of the `first_error` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/first_error.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/first_error.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, timed};
use lab::{Cancel, Task};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(5);

/// A task that works `ms` milliseconds, looking at `cancel` every 5 ms, then ends with `outcome`;
/// `noticed` is set if it saw the cancellation.
fn task(ms: u64, outcome: Result<(), &'static str>, noticed: Arc<AtomicBool>) -> Task {
    task_in_steps(ms, 5, outcome, noticed)
}

/// [`task`], looking at `cancel` every `step` milliseconds.
fn task_in_steps(
    ms: u64,
    step: u64,
    outcome: Result<(), &'static str>,
    noticed: Arc<AtomicBool>,
) -> Task {
    Box::new(move |cancel: &Cancel| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(ms) {
            if cancel.is_cancelled() {
                noticed.store(true, Ordering::SeqCst);
                return Err("cancelled".to_string());
            }
            thread::sleep(Duration::from_millis(step));
        }
        outcome.map_err(str::to_string)
    })
}

fn flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

#[test]
fn the_first_error_in_time_wins() {
    let result = no_threads_left(DEADLINE, || {
        lab::run_all(vec![
            task(400, Err("late"), flag()),
            task(50, Err("early"), flag()),
            task(100, Ok(()), flag()),
        ])
    });
    assert_eq!(
        result,
        Err("early".to_string()),
        "\"early\" failed at 50 ms, \"late\" at 400 ms"
    );
}

#[test]
fn the_first_error_cancels_the_others() {
    let long_task_noticed = flag();
    let noticed = long_task_noticed.clone();
    let (result, took) = no_threads_left(DEADLINE, move || {
        timed(|| {
            lab::run_all(vec![
                task(2000, Ok(()), noticed),
                task(50, Err("boom"), flag()),
            ])
        })
    });
    assert_eq!(result, Err("boom".to_string()));
    assert!(
        long_task_noticed.load(Ordering::SeqCst),
        "the 2 s task was never told to stop after the error"
    );
    assert!(
        took < Duration::from_millis(800),
        "run_all took {took:?}: after the error at 50 ms, the other task should stop at once"
    );
}

#[test]
fn no_error_waits_for_every_task() {
    let finished = flag();
    let done = finished.clone();
    let result = no_threads_left(DEADLINE, move || {
        let last: Task = Box::new(move |_: &Cancel| {
            thread::sleep(Duration::from_millis(150));
            done.store(true, Ordering::SeqCst);
            Ok(())
        });
        lab::run_all(vec![task(20, Ok(()), flag()), last])
    });
    assert_eq!(result, Ok(()));
    assert!(
        finished.load(Ordering::SeqCst),
        "run_all returned before every task had finished"
    );
    assert_eq!(
        no_threads_left(DEADLINE, || lab::run_all(Vec::new())),
        Ok(())
    );
}

#[test]
fn it_returns_only_once_the_cancelled_tasks_have_ended() {
    // Tasks that look at the cancellation every 50 ms: each needs a moment to stop, and run_all
    // must wait for it.
    let noticed: Vec<Arc<AtomicBool>> = (0..4).map(|_| flag()).collect();
    let flags = noticed.clone();
    let (result, took) = no_threads_left(DEADLINE, move || {
        let mut tasks: Vec<Task> = flags
            .into_iter()
            .map(|noticed| task_in_steps(2000, 50, Ok(()), noticed))
            .collect();
        tasks.push(task(30, Err("boom"), flag()));
        timed(|| lab::run_all(tasks))
    });
    assert_eq!(result, Err("boom".to_string()));
    assert!(
        took < Duration::from_millis(1000),
        "run_all took {took:?}: after the error at 30 ms, the other tasks should be cancelled"
    );
    let stopped = noticed.iter().filter(|n| n.load(Ordering::SeqCst)).count();
    assert_eq!(
        stopped, 4,
        "only {stopped} of the 4 other tasks had seen the cancellation when run_all returned: \
         join every task before returning"
    );
}
