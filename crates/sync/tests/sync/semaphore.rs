//! Tests of the `semaphore` step and of `Semaphore`.

use chanlab_common::Transcript;
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, no_threads_left, within};
use chanlab_sync::Semaphore;
use chanlab_sync::semaphore::{self, JOBS, PERMITS};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

const PACE: f64 = 0.1;

#[test]
fn six_jobs_two_at_a_time_take_three_job_times() {
    let scaled = |secs: f64| Duration::from_secs_f64(secs * PACE);
    let always = |t: &Transcript| {
        for job in 1..=JOBS {
            let line = &t
                .find(&format!("job {job} in ("))
                .expect("every job ran")
                .text;
            let inside: usize = line
                .split(['(', ' '])
                .nth(4)
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no count in {line:?}"));
            assert!((1..=PERMITS).contains(&inside), "{line}:\n{t}");
        }
        // Three waves of one second: if more than two had run at once, it would take less.
        let summary = t.find(&format!("{JOBS} jobs of ")).expect("summary");
        assert!(summary.at >= scaled(2.9), "more than two ran at once:\n{t}");
        assert!(
            t.contains("holding 2 permits: available() = 0, try_acquire() is None"),
            "{t}"
        );
        assert!(t.contains("all given back: available() = 2"), "{t}");
    };
    // ...and two did run at once: one by one it would take six.
    let fast = |t: &Transcript| {
        let summary = t.find(&format!("{JOBS} jobs of ")).unwrap();
        summary.at < scaled(5.0)
            && summary
                .text
                .ends_with(&format!("at most {PERMITS} inside at once"))
    };
    fast_in_one_of_three(semaphore::run, PACE, always, fast);
}

#[test]
fn never_more_than_n_inside_over_many_rounds() {
    no_threads_left(STEP_DEADLINE, || {
        for round in 0..100 {
            let sem = Semaphore::new(3);
            let (inside, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            thread::scope(|s| {
                for _ in 0..8 {
                    s.spawn(|| {
                        for _ in 0..10 {
                            let _permit = sem.acquire();
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                        }
                    });
                }
            });
            let most = most.load(Ordering::SeqCst);
            assert!(
                (1..=3).contains(&most),
                "round {round}: {most} inside at once"
            );
            assert_eq!(sem.available(), 3, "round {round}: a permit was lost");
        }
    });
}

#[test]
fn n_holders_fit_at_once_and_one_more_does_not() {
    no_threads_left(STEP_DEADLINE, || {
        let sem = Semaphore::new(3);
        let all_in = Barrier::new(4);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    let _permit = sem.acquire();
                    all_in.wait(); // the three are inside together...
                    all_in.wait(); // ...until the main thread has looked
                });
            }
            all_in.wait();
            assert_eq!(sem.available(), 0);
            assert!(sem.try_acquire().is_none(), "a fourth got in");
            all_in.wait();
        });
        assert_eq!(sem.available(), 3);
    });
}

#[test]
fn acquire_waits_for_a_permit_to_come_back() {
    no_threads_left(STEP_DEADLINE, || {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.acquire();
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || {
                let _permit = sem.acquire();
            })
        };
        thread::sleep(Duration::from_millis(20));
        assert!(!waiter.is_finished(), "acquired a permit that was held");
        drop(held);
        waiter.join().unwrap();
        assert_eq!(sem.available(), 1);
    });
}

#[test]
fn a_panicking_holder_gives_its_permit_back() {
    within(STEP_DEADLINE, || {
        let sem = Semaphore::new(2);
        let caught = std::panic::catch_unwind(|| {
            let _permit = sem.acquire();
            panic!("expected by the test");
        });
        assert!(caught.is_err());
        assert_eq!(sem.available(), 2);
        assert_eq!(format!("{sem:?}"), "Semaphore { available: 2 }");
    });
}

#[test]
#[should_panic(expected = "at least one permit")]
fn zero_permits_is_refused() {
    within(STEP_DEADLINE, || Semaphore::new(0));
}
