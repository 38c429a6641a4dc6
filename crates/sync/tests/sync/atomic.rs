//! Tests of the `atomic` step: fetch_add is exact, load + store is not an increment.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use chanlab_sync::atomic::count_with_load_store;
use chanlab_sync::atomic::{self, PER_THREAD, THREADS, claim_once, count_with_fetch_add};

#[test]
fn fifty_threads_times_a_thousand_is_fifty_thousand() {
    let t = run_step(atomic::run, 1.0);
    assert!(
        t.contains("fetch_add, 50 threads x 1000, three runs: 50000, 50000, 50000"),
        "{t}"
    );
    assert!(t.contains("load then store, three runs: ["), "{t}");
    assert!(
        t.contains("compare_exchange: 1 of 50 threads claimed the slot"),
        "{t}"
    );
}

#[test]
fn fetch_add_is_exact_every_run() {
    no_threads_left(STEP_DEADLINE, || {
        for round in 0..20 {
            assert_eq!(
                count_with_fetch_add(THREADS, PER_THREAD),
                50_000,
                "round {round}"
            );
        }
    });
}

#[test]
fn load_store_never_counts_more_than_it_was_asked() {
    no_threads_left(STEP_DEADLINE, || {
        assert_eq!(count_with_load_store(1, 1000), 1000); // alone, nothing is lost
        for _ in 0..5 {
            assert!(count_with_load_store(THREADS, PER_THREAD) <= 50_000);
        }
    });
}

#[test]
fn exactly_one_thread_wins_the_compare_exchange() {
    no_threads_left(STEP_DEADLINE, || {
        for round in 0..20 {
            assert_eq!(claim_once(THREADS), 1, "round {round}");
        }
    });
}
