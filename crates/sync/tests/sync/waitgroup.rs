//! Tests of the `waitgroup` step and of `WaitGroup`'s Go semantics.

use chanlab_common::Transcript;
use chanlab_common::testing::{
    STEP_DEADLINE, fast_in_one_of_three, lesson_secs, no_threads_left, run_step, within,
};
use chanlab_sync::{WaitGroup, waitgroup};
use std::panic::catch_unwind;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

const PACE: f64 = 0.1;

#[test]
fn five_workers_are_waited_for_in_about_one_worker_time() {
    let scaled = |secs: f64| Duration::from_secs_f64(secs * PACE);
    let completed = |t: &Transcript| t.find("All workers completed").expect("completed").at;
    let always = |t: &Transcript| {
        let completed = t.position("All workers completed").unwrap();
        for id in 0..5 {
            let starting = t.position(&format!("Worker {id} starting")).unwrap();
            let done = t.position(&format!("Worker {id} done")).unwrap();
            assert!(starting < done && done < completed, "{t}");
        }
        assert!(
            t.events[completed].at >= scaled(0.95),
            "returned before the workers slept:\n{t}"
        );
        // The time it tells: as run, then at pace 1.
        let told = lesson_secs(&t.events[completed].text, "completed after", PACE);
        assert!(told >= 0.95, "{t}");
    };
    // Five one-second workers at once take one second; one after another they would take five.
    fast_in_one_of_three(waitgroup::run, PACE, always, |t| completed(t) < scaled(3.0));
}

#[test]
fn go_counts_a_panicking_task_out_and_crossbeam_waits_for_every_clone() {
    let t = run_step(waitgroup::run, PACE);
    let waited = t.position("go(): wait returned").unwrap();
    for line in [
        "task 1 returned 10",
        "task 2 panicked",
        "task 3 returned 30",
    ] {
        assert!(t.position(line).unwrap() > waited, "{line}:\n{t}");
    }
    let dropped = t.position("crossbeam: every clone dropped").unwrap();
    for id in 0..3 {
        let done = t.position(&format!("crossbeam worker {id} done")).unwrap();
        assert!(done < dropped, "{t}");
    }
    assert!(t.contains("prefer crossbeam's when"), "{t}");
}

#[test]
#[should_panic(expected = "sync: negative WaitGroup counter")]
fn done_without_add_panics_like_go() {
    within(STEP_DEADLINE, || WaitGroup::new().done());
}

#[test]
#[should_panic(expected = "sync: negative WaitGroup counter")]
fn more_dones_than_adds_panics_like_go() {
    within(STEP_DEADLINE, || {
        let wg = WaitGroup::new();
        wg.add(2);
        wg.done();
        wg.done();
        wg.done();
    });
}

#[test]
fn wait_returns_at_once_when_the_counter_is_zero() {
    within(Duration::from_secs(5), || {
        let wg = WaitGroup::new();
        wg.wait(); // never added to
        wg.add(3);
        (0..3).for_each(|_| wg.done());
        wg.wait(); // back to zero
        wg.add(0);
        wg.wait();
        assert_eq!(format!("{wg:?}"), "WaitGroup { count: 0 }");
    });
}

#[test]
fn go_marks_done_when_the_task_panics() {
    no_threads_left(STEP_DEADLINE, || {
        let wg = WaitGroup::new();
        let failed = wg.go(|| panic!("expected by the test"));
        let fine = wg.go(|| "fine");
        wg.wait();
        assert!(failed.join().is_err());
        assert_eq!(fine.join().unwrap(), "fine");
        wg.wait(); // still zero: the panic did not leave the counter raised
    });
}

#[test]
fn every_waiting_thread_wakes() {
    no_threads_left(STEP_DEADLINE, || {
        let wg = WaitGroup::new();
        wg.add(1);
        let woken = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    wg.wait();
                    woken.fetch_add(1, Ordering::SeqCst);
                });
            }
            thread::sleep(Duration::from_millis(20)); // let them block
            assert_eq!(woken.load(Ordering::SeqCst), 0, "a waiter woke early");
            wg.done();
        });
        assert_eq!(woken.load(Ordering::SeqCst), 4);
    });
}

#[test]
fn wait_sees_every_done_over_many_rounds() {
    no_threads_left(STEP_DEADLINE, || {
        for round in 0..100 {
            let wg = WaitGroup::new();
            let finished = Arc::new(AtomicUsize::new(0));
            wg.add(4);
            let mut handles = Vec::new();
            for _ in 0..4 {
                handles.push(thread::spawn({
                    let (wg, finished) = (wg.clone(), finished.clone());
                    move || {
                        finished.fetch_add(1, Ordering::Relaxed);
                        wg.done();
                    }
                }));
                handles.push(wg.go({
                    let finished = finished.clone();
                    move || {
                        finished.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
            let waiter = {
                let (wg, finished) = (wg.clone(), finished.clone());
                thread::spawn(move || {
                    wg.wait();
                    finished.load(Ordering::Relaxed)
                })
            };
            wg.wait();
            assert_eq!(finished.load(Ordering::Relaxed), 8, "round {round}");
            assert_eq!(waiter.join().unwrap(), 8, "round {round}");
            handles.into_iter().for_each(|h| h.join().unwrap());
        }
    });
}

/// The message of a panic caught by `catch_unwind`.
fn message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .unwrap_or_default()
}

#[test]
fn a_panicking_done_or_add_leaves_the_counter_as_it_was() {
    within(STEP_DEADLINE, || {
        let wg = WaitGroup::new();
        let negative = catch_unwind(|| wg.done()).unwrap_err();
        assert_eq!(message(negative), "sync: negative WaitGroup counter");
        wg.wait(); // still zero: returns at once
        let counted = |n: usize| format!("WaitGroup {{ count: {n} }}");
        let max = usize::MAX / 8;
        wg.add(5);
        for n in [usize::MAX, max - 4, 1] {
            if n == 1 {
                wg.add(max - 5); // the counter at its highest
            }
            let before = format!("{wg:?}");
            let overflow = catch_unwind(|| wg.add(n)).unwrap_err();
            assert_eq!(
                message(overflow),
                "sync: WaitGroup counter overflow",
                "add({n})"
            );
            assert_eq!(format!("{wg:?}"), before, "add({n})");
        }
        assert_eq!(format!("{wg:?}"), counted(max));
    });
}

/// Go's own tests of `sync.WaitGroup` (`src/sync/waitgroup_test.go`), ported.
mod golang {
    use super::*;

    /// Go's `testWaitGroup`: `wg1` is a barrier the `n` tasks pass, `wg2` one they wait at
    /// until the main thread lets them all through.
    fn barrier_round(wg1: &WaitGroup, wg2: &WaitGroup) {
        let n = 16;
        wg1.add(n);
        wg2.add(n);
        let (exited_tx, exited) = crossbeam_channel::bounded(n);
        for _ in 0..n {
            let (wg1, wg2, exited_tx) = (wg1.clone(), wg2.clone(), exited_tx.clone());
            thread::spawn(move || {
                wg1.done();
                wg2.wait();
                exited_tx.send(()).unwrap();
            });
        }
        wg1.wait();
        for _ in 0..n {
            assert!(
                exited.try_recv().is_err(),
                "WaitGroup released group too soon"
            );
            wg2.done();
        }
        for _ in 0..n {
            exited.recv().unwrap(); // blocks if the barrier failed to let one through
        }
    }

    #[test]
    fn wait_group() {
        no_threads_left(STEP_DEADLINE, || {
            let (wg1, wg2) = (WaitGroup::new(), WaitGroup::new());
            // The same groups, round after round: each must be back in a proper state.
            for _ in 0..8 {
                barrier_round(&wg1, &wg2);
            }
        });
    }

    #[test]
    fn wait_group_misuse() {
        let wg = WaitGroup::new();
        wg.add(1);
        wg.done();
        let panic = catch_unwind(|| wg.done()).expect_err("Should panic");
        assert_eq!(message(panic), "sync: negative WaitGroup counter");
    }

    #[test]
    fn wait_group_race() {
        no_threads_left(STEP_DEADLINE, || {
            for _ in 0..1000 {
                let wg = WaitGroup::new();
                let n = Arc::new(AtomicUsize::new(0));
                for _ in 0..2 {
                    wg.add(1);
                    let (wg, n) = (wg.clone(), n.clone());
                    thread::spawn(move || {
                        n.fetch_add(1, Ordering::SeqCst);
                        wg.done();
                    });
                }
                wg.wait();
                assert_eq!(n.load(Ordering::SeqCst), 2, "Spurious wakeup from Wait");
            }
        });
    }
}
