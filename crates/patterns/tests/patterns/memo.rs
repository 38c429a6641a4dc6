//! Tests of the `memo` step and `Memo`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, one_run_in_three, run_step, within};
use chanlab_patterns::{Memo, memo};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn the_step_computes_each_key_once_for_six_callers_then_serves_the_cache() {
    let t = run_step(memo::run, 0.05);
    for n in [3, 4, 5] {
        assert_eq!(t.count(&format!("computing {n}²")), 1, "{t}");
    }
    assert_eq!(t.count("computing"), 3, "{t}");
    assert_eq!(t.count("got 3² = 9"), 5, "{t}");
    assert_eq!(t.count("got 4² = 16"), 4, "{t}");
    assert_eq!(t.count("got 5² = 25"), 3, "{t}");
    for e in t
        .events
        .iter()
        .filter(|e| e.text.starts_with("got") || e.text.starts_with("computing"))
    {
        assert!(e.thread.starts_with("caller "), "{t}");
    }
}

#[test]
fn concurrent_calls_for_one_key_compute_it_once() {
    for _ in 0..20 {
        let (calls, values) = within(STEP_DEADLINE, || {
            let calls = AtomicUsize::new(0);
            let memo = Memo::new(|n: u32| {
                calls.fetch_add(1, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(10));
                n + 1
            });
            let start = Barrier::new(8);
            let values: Vec<u32> = thread::scope(|s| {
                let handles: Vec<_> = (0..8)
                    .map(|_| {
                        s.spawn(|| {
                            start.wait();
                            memo.get(41)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            (calls.into_inner(), values)
        });
        assert_eq!(calls, 1, "a key was computed {calls} times");
        assert_eq!(values, [42; 8]);
    }
}

#[test]
fn a_cached_key_is_not_computed_again() {
    let calls = AtomicUsize::new(0);
    let memo = Memo::new(|word: String| {
        calls.fetch_add(1, Ordering::SeqCst);
        word.len()
    });
    assert_eq!(memo.get("gopher".to_owned()), 6);
    assert_eq!(memo.get("gopher".to_owned()), 6);
    assert_eq!(memo.get("crab".to_owned()), 4);
    assert_eq!(calls.into_inner(), 2);
}

#[test]
fn different_keys_compute_in_parallel() {
    let run = || {
        within(STEP_DEADLINE, || {
            let memo = Memo::new(|n: u64| {
                thread::sleep(Duration::from_millis(60));
                n
            });
            let start = Instant::now();
            thread::scope(|s| {
                for key in 0..4 {
                    let memo = &memo;
                    s.spawn(move || assert_eq!(memo.get(key), key));
                }
            });
            start.elapsed()
        })
    };
    let one_at_a_time = Duration::from_millis(4 * 60);
    one_run_in_three("4 keys of 60 ms", run, |took| {
        *took < one_at_a_time.mul_f64(0.6)
    });
}

#[test]
fn a_panicking_computation_wakes_its_waiters_and_is_retried_later() {
    no_threads_left(STEP_DEADLINE, || {
        let calls = AtomicUsize::new(0);
        let failed_once = AtomicBool::new(false);
        let memo = Memo::new(|n: u32| {
            calls.fetch_add(1, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(30));
            assert!(
                failed_once.swap(true, Ordering::SeqCst),
                "the first computation fails"
            );
            n * 2
        });
        let start = Barrier::new(4);
        let panicked = thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        catch_unwind(AssertUnwindSafe(|| memo.get(7))).is_err()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .filter(|&p| p)
                .count()
        });
        // The computing caller panics; the ones waiting for it panic too, instead of hanging.
        // (A caller that came after the panic computes the key again and succeeds.)
        assert!(panicked >= 1, "nobody saw the panic");
        assert_eq!(memo.get(7), 14, "the key is computed again after a panic");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "one failed computation, one that stuck"
        );
    });
}
