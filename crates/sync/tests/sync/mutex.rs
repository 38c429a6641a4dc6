//! Tests of the `mutex` step and its `Counter`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use chanlab_sync::mutex::{self, Counter, HITS, THREADS};
use std::thread;

#[test]
fn the_count_is_exact_and_the_guard_unlocks_on_drop() {
    let t = run_step(mutex::run, 1.0);
    assert_eq!(t.lines()[0], format!("Count {}", THREADS * HITS), "{t}");
    assert!(
        t.contains("inside the lock: balance 70; try_lock from here: locked"),
        "{t}"
    );
    assert!(
        t.contains("after the guard is dropped: try_lock: free"),
        "{t}"
    );
}

#[test]
fn the_counter_never_loses_a_hit_over_many_rounds() {
    no_threads_left(STEP_DEADLINE, || {
        for round in 0..20 {
            let counter = Counter::new();
            thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| (0..1000).for_each(|_| counter.hit()));
                }
            });
            assert_eq!(counter.get(), 4000, "round {round}");
        }
    });
}
