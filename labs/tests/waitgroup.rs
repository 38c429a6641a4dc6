//! Tests of the `waitgroup` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/waitgroup.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/waitgroup.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, within};
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

/// What this thread has cost the scheduler so far, where Linux's `/proc` tells: its CPU time and
/// how many times it was switched out.
fn scheduler_cost() -> Option<(Duration, u64)> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // After the command name (in parentheses), utime and stime are the 12th and 13th fields, in
    // clock ticks of 10 ms.
    let fields: Vec<u64> = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let cpu = Duration::from_millis((fields.get(10)? + fields.get(11)?) * 10);
    let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
    let switches = |key: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))?
            .trim()
            .parse()
            .ok()
    };
    Some((
        cpu,
        switches("voluntary_ctxt_switches:")? + switches("nonvoluntary_ctxt_switches:")?,
    ))
}

#[test]
fn waiting_sleeps_instead_of_spinning() {
    let cost = within(DEADLINE, || {
        let group = Arc::new(lab::WaitGroup::new());
        group.add(1);
        let worker = group.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(1000));
            worker.done();
        });
        let before = scheduler_cost();
        group.wait();
        let after = scheduler_cost();
        Some((after?.0 - before?.0, after?.1 - before?.1))
    });
    let Some((cpu, switches)) = cost else {
        return; // no /proc: nothing to measure with
    };
    // A thread asleep on a Condvar for 1 s uses no CPU and is switched out once or twice. One that
    // checks the count in a loop runs whenever it can: on an idle core that is a lot of CPU time,
    // on a busy machine a lot of switches (every time it yields or is preempted).
    assert!(
        cpu < Duration::from_millis(100) && switches < 20,
        "in a 1 s wait, wait() used {cpu:?} of CPU and was switched out {switches} times: it \
         spins. Sleep on a Condvar until done() wakes you"
    );
}
