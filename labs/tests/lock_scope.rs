//! Tests of the `lock_scope` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/lock_scope.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/lock_scope.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{count_threads, no_threads_left, timed, within};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(5);

/// Classifies by the last digit, taking 20 ms to think about it.
fn slow_digit(n: u64) -> &'static str {
    thread::sleep(Duration::from_millis(20));
    ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"][(n % 10) as usize]
}

/// Classifies at once.
fn sign(n: u64) -> &'static str {
    if n == 0 { "zero" } else { "positive" }
}

#[test]
fn every_number_is_counted_once() {
    let counts = no_threads_left(DEADLINE, || {
        let numbers: Vec<u64> = (0..1000).collect();
        lab::tally(&numbers, 7, sign)
    });
    assert_eq!(counts.get("zero"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("positive"), Some(&999), "{counts:?}");
    let counts = no_threads_left(DEADLINE, || lab::tally(&[], 3, sign));
    assert!(counts.is_empty(), "{counts:?}");
}

#[test]
fn the_workers_classify_at_the_same_time() {
    let (counts, took) = no_threads_left(DEADLINE, || {
        let numbers: Vec<u64> = (0..40).collect();
        timed(|| lab::tally(&numbers, 4, slow_digit))
    });
    assert_eq!(counts.values().sum::<usize>(), 40, "{counts:?}");
    assert!(counts.values().all(|c| *c == 4), "{counts:?}");
    // One at a time, 40 classifications of 20 ms take 800 ms; four at a time, about 200 ms.
    assert!(
        took < Duration::from_millis(500),
        "4 workers took {took:?} for 40 × 20 ms of work: they took turns. \
         Is the lock held while classify runs?"
    );
}

#[test]
fn it_starts_as_many_workers_as_asked() {
    for (count, workers, classify) in [(1000, 7, sign as fn(u64) -> _), (40, 4, slow_digit)] {
        let (counts, threads) = within(DEADLINE, move || {
            let numbers: Vec<u64> = (0..count).collect();
            count_threads(|| lab::tally(&numbers, workers, classify))
        });
        assert_eq!(counts.values().sum::<usize>(), count as usize, "{counts:?}");
        if let Some(threads) = threads {
            assert!(
                threads.started <= workers,
                "{workers} workers were asked for and {} threads ran ({} at once): give each \
                 worker a share of the numbers, not each number a thread",
                threads.started,
                threads.most_at_once
            );
        }
    }
}
