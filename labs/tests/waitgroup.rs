//! Tests of the `waitgroup` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/waitgroup.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/waitgroup.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, within};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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
        "wait returned before every worker had called done"
    );
}

#[test]
fn wait_with_nothing_to_wait_for_returns_at_once() {
    within(DEADLINE, || lab::WaitGroup::new().wait());
}

#[test]
fn every_waiter_is_released_every_time() {
    within(DEADLINE, || {
        for _ in 0..50 {
            let group = Arc::new(lab::WaitGroup::new());
            group.add(3);
            let waiters: Vec<_> = (0..3)
                .map(|_| {
                    let group = group.clone();
                    thread::spawn(move || group.wait())
                })
                .collect();
            for _ in 0..3 {
                let group = group.clone();
                thread::spawn(move || group.done());
            }
            waiters
                .into_iter()
                .for_each(|w| w.join().expect("no panic"));
        }
    });
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

/// CPU time this thread has used so far, where Linux's `/proc` tells.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and
    // 13th, in clock ticks of 10 ms.
    let fields: Vec<u64> = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    Some(Duration::from_millis(
        (fields.get(10)? + fields.get(11)?) * 10,
    ))
}

#[test]
fn waiting_sleeps_instead_of_spinning() {
    let used = within(DEADLINE, || {
        let group = Arc::new(lab::WaitGroup::new());
        group.add(1);
        // A thread that does spin, for comparison: on a busy machine a spinning thread gets less
        // CPU time, and so does this one.
        let waiting = Arc::new(AtomicBool::new(true));
        let spinner = {
            let waiting = waiting.clone();
            thread::spawn(move || {
                let before = cpu_time();
                while waiting.load(Ordering::SeqCst) {
                    thread::yield_now();
                }
                Some(cpu_time()? - before?)
            })
        };
        let worker = group.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(1000));
            worker.done();
        });
        let before = cpu_time();
        group.wait();
        let used = cpu_time().zip(before).map(|(after, before)| after - before);
        waiting.store(false, Ordering::SeqCst);
        used.zip(spinner.join().expect("the spinner does not panic"))
    });
    let Some((used, spinning)) = used else {
        return; // no /proc: nothing to measure with
    };
    assert!(
        used <= spinning / 4 + Duration::from_millis(20),
        "wait() used {used:?} of CPU time in a 1 s wait, and a thread spinning meanwhile {spinning:?}: \
         it spins. Sleep on a Condvar until done() wakes you"
    );
}
