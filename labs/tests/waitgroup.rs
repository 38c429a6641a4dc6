//! Tests of the `waitgroup` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/waitgroup.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/waitgroup.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, no_threads_left, within};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(3);

#[test]
fn wait_returns_once_every_worker_is_done() {
    let finished = no_threads_left(DEADLINE, || {
        let group = Arc::new(lab::WaitGroup::new());
        let finished = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (1..=5)
            .map(|i| {
                group.add(1);
                let (group, finished) = (group.clone(), finished.clone());
                thread::spawn(move || {
                    thread::sleep(Duration::from_millis(20 * i));
                    finished.fetch_add(1, Ordering::SeqCst);
                    group.done();
                })
            })
            .collect();
        group.wait();
        let seen = finished.load(Ordering::SeqCst);
        workers
            .into_iter()
            .for_each(|w| w.join().expect("no panic"));
        seen
    });
    assert_eq!(
        finished, 5,
        "wait returned when {finished} of 5 workers had called done: a wake-up is no proof that \
         the count is zero. Look at the count again each time you wake (a loop, or wait_while)"
    );
}

#[test]
fn wait_with_nothing_to_wait_for_returns_at_once() {
    within(DEADLINE, || lab::WaitGroup::new().wait());
}

#[test]
fn every_waiter_is_released_every_time() {
    let still_waiting = within(DEADLINE, || {
        for _ in 0..50 {
            let group = Arc::new(lab::WaitGroup::new());
            group.add(3);
            let (released_tx, released) = crossbeam::channel::unbounded();
            for _ in 0..3 {
                let (group, released_tx) = (group.clone(), released_tx.clone());
                thread::spawn(move || {
                    group.wait();
                    let _ = released_tx.send(());
                });
            }
            for _ in 0..3 {
                let group = group.clone();
                thread::spawn(move || group.done());
            }
            let out = (0..3)
                .take_while(|_| released.recv_timeout(Duration::from_millis(500)).is_ok())
                .count();
            if out < 3 {
                // Let the rest go, one zero at a time, so that none waits for ever.
                for _ in out..3 {
                    group.add(1);
                    group.done();
                }
                return 3 - out;
            }
        }
        0
    });
    assert_eq!(
        still_waiting, 0,
        "the count reached zero and {still_waiting} of 3 waiters went on waiting: done() woke \
         only some of them. Wake every waiter (notify_all)"
    );
}

#[test]
fn it_can_be_used_again_once_the_count_is_zero() {
    within(DEADLINE, || {
        let group = Arc::new(lab::WaitGroup::new());
        for _ in 0..3 {
            group.add(1);
            let worker = group.clone();
            thread::spawn(move || worker.done());
            group.wait();
        }
    });
}

#[test]
#[should_panic(expected = "negative WaitGroup counter")]
fn done_without_add_panics_like_go() {
    within(DEADLINE, || lab::WaitGroup::new().done());
}

#[test]
fn waiting_sleeps_instead_of_spinning() {
    let cpu = within(DEADLINE, || {
        let group = Arc::new(lab::WaitGroup::new());
        group.add(1);
        let worker = group.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(500));
            worker.done();
        });
        cpu_used(|| group.wait()).1
    });
    if let Some(cpu) = cpu {
        cpu.assert_idle("waited 500 ms in wait() for the one worker to call done()");
    }
}
