//! Tests of the `bounded` step and `bounded::for_each`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, one_run_in_three, run_step};
use chanlab_patterns::bounded::{self, BoundedError};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The numbers after "at most" and before "threads alive" in a line of the step.
fn peaks(line: &str) -> (usize, usize) {
    let number_after = |word: &str| -> usize {
        let rest = &line[line.find(word).unwrap() + word.len()..];
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    let alive = line[..line.find(" threads alive").unwrap()]
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (number_after("at most "), alive)
}

#[test]
fn the_step_never_runs_more_than_three_and_slot_first_starts_only_three_threads() {
    let t = run_step(bounded::run, 0.1);
    let go_way = t.find("Go's way: 12 tasks").expect("Go's way").text.clone();
    let slot_first = t
        .find("slot first: 12 tasks")
        .expect("slot first")
        .text
        .clone();
    let (running, _) = peaks(&go_way);
    assert!((1..=3).contains(&running), "{t}");
    let (running, alive) = peaks(&slot_first);
    assert!((1..=3).contains(&running), "{t}");
    assert!((1..=3).contains(&alive), "{t}");
}

#[test]
fn for_each_runs_every_item_once_never_more_than_the_limit_at_once() {
    for _ in 0..5 {
        let (mut seen, most) = no_threads_left(STEP_DEADLINE, || {
            let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let seen = Mutex::new(Vec::new());
            bounded::for_each(4, 0..20, |n| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(5));
                seen.lock().unwrap().push(n);
                running.fetch_sub(1, Ordering::SeqCst);
            })
            .unwrap();
            (seen.into_inner().unwrap(), most.into_inner())
        });
        seen.sort_unstable();
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
        assert!(most <= 4, "{most} ran at once with a limit of 4");
    }
}

#[test]
fn for_each_runs_up_to_the_limit_in_parallel() {
    let sequential = Duration::from_millis(8 * 50);
    let run = || {
        no_threads_left(STEP_DEADLINE, || {
            let start = Instant::now();
            bounded::for_each(4, 0..8, |_| thread::sleep(Duration::from_millis(50))).unwrap();
            start.elapsed()
        })
    };
    one_run_in_three("8 tasks of 50 ms, 4 at a time", run, |took| {
        *took < sequential.mul_f64(0.6)
    });
}

#[test]
fn a_limit_of_zero_is_an_error() {
    assert_eq!(
        bounded::for_each(0, 0..3, |_| ()),
        Err(BoundedError::ZeroLimit)
    );
}

#[test]
fn a_panicking_task_is_passed_on_after_the_others_finish() {
    let finished = no_threads_left(STEP_DEADLINE, || {
        let finished = AtomicUsize::new(0);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            bounded::for_each(2, 0..6, |n| {
                assert!(n != 2, "task 2 fails");
                finished.fetch_add(1, Ordering::SeqCst);
            })
        }));
        assert!(outcome.is_err(), "the panic was swallowed");
        finished.into_inner()
    });
    assert_eq!(
        finished, 5,
        "a panic must not stop the other tasks or leak a slot"
    );
}
