//! Tests of the `async_blocking` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/async_blocking.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/async_blocking.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::no_threads_left;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};

const DEADLINE: Duration = Duration::from_secs(10);

/// How long each pretend lookup blocks its thread.
const LOOKUP: Duration = Duration::from_millis(200);

/// What the lookups saw: the heartbeat's ticks, and how many lookups saw it tick while they
/// blocked.
#[derive(Default)]
struct Seen {
    ticks: AtomicUsize,
    lookups_that_saw_a_tick: AtomicUsize,
}

/// A blocking lookup: blocks its thread for `LOOKUP` (longer for names that start with `slow`),
/// noting whether the heartbeat ticked meanwhile.
fn lookup(seen: &Arc<Seen>) -> impl Fn(&str) -> String + Send + Sync + 'static {
    let seen = seen.clone();
    move |name: &str| {
        let before = seen.ticks.load(Ordering::SeqCst);
        let blocked = if name.starts_with("slow") {
            LOOKUP * 2
        } else {
            LOOKUP
        };
        std::thread::sleep(blocked);
        if seen.ticks.load(Ordering::SeqCst) > before {
            seen.lookups_that_saw_a_tick.fetch_add(1, Ordering::SeqCst);
        }
        format!("{name}: found")
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|n| n.to_string()).collect()
}

/// Runs `lookup_all(names)` on the runtime `build` makes, beside a heartbeat task that ticks every
/// 5 ms; the answers.
fn run(build: fn() -> Runtime, names: Vec<String>, seen: Arc<Seen>) -> Vec<String> {
    no_threads_left(DEADLINE, move || {
        let runtime = build();
        runtime.block_on(async move {
            let ticking = seen.clone();
            let heartbeat = tokio::spawn(async move {
                let mut ticks = tokio::time::interval(Duration::from_millis(5));
                loop {
                    ticks.tick().await;
                    ticking.ticks.fetch_add(1, Ordering::SeqCst);
                }
            });
            // Let the heartbeat start before the lookups.
            tokio::time::sleep(Duration::from_millis(10)).await;
            let answers = lab::lookup_all(names, lookup(&seen)).await;
            heartbeat.abort();
            answers
        })
    })
}

/// `tokio::test`'s runtime: one thread for every task.
fn current_thread() -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a runtime")
}

#[test]
fn the_runtime_keeps_running_while_the_lookups_block() {
    let seen = Arc::new(Seen::default());
    let answers = run(current_thread, names(&["a", "b", "c", "d"]), seen.clone());
    assert_eq!(answers.len(), 4);
    let saw = seen.lookups_that_saw_a_tick.load(Ordering::SeqCst);
    assert!(
        saw > 0,
        "the heartbeat (a task ticking every 5 ms) did not tick once while any of the 4 lookups \
         blocked for 200 ms: they ran on the runtime's only thread. A task, even one spawned \
         for the purpose, holds its thread until its next .await; spawn_blocking runs a call on \
         a thread of its own"
    );
}

#[test]
fn the_lookups_run_at_once() {
    let seen = Arc::new(Seen::default());
    let (answers, took) = run_timed(current_thread, names(&["a", "b", "c", "d", "e"]), seen);
    assert_eq!(answers.len(), 5);
    assert!(
        took < LOOKUP * 3,
        "5 lookups of 200 ms each took {took:?}: they ran one after another. Start each with \
         spawn_blocking, all of them before awaiting any, so that they block five threads of \
         their own at once (a task, even a spawned one, blocks one of the runtime's threads)"
    );
}

/// `lookup_all(names)` alone on the runtime `build` makes; the answers and the time it took.
fn run_timed(
    build: fn() -> Runtime,
    names: Vec<String>,
    seen: Arc<Seen>,
) -> (Vec<String>, Duration) {
    no_threads_left(DEADLINE, move || {
        let runtime = build();
        let start = std::time::Instant::now();
        let answers = runtime.block_on(lab::lookup_all(names, lookup(&seen)));
        (answers, start.elapsed())
    })
}

#[test]
fn the_answers_keep_the_order_of_the_names() {
    // The first lookups take longest, so they end last.
    let list = names(&["slow one", "slow two", "quick", "quicker"]);
    for build in [current_thread as fn() -> Runtime, multi_thread] {
        let seen = Arc::new(Seen::default());
        let answers = run(build, list.clone(), seen);
        let expected: Vec<String> = list.iter().map(|n| format!("{n}: found")).collect();
        assert_eq!(
            answers, expected,
            "one answer per name, in the order of the names"
        );
    }
}

#[test]
fn it_works_on_a_multi_thread_runtime_too() {
    let seen = Arc::new(Seen::default());
    let (answers, took) = run_timed(multi_thread, names(&["a", "b", "c", "d", "e"]), seen);
    assert_eq!(answers.len(), 5);
    assert!(
        took < LOOKUP * 3,
        "5 lookups of 200 ms each took {took:?} on a runtime of 2 worker threads: they took \
         turns on too few threads. Start each with spawn_blocking, all of them before awaiting \
         any (a task, even a spawned one, blocks one of the runtime's threads)"
    );
}

#[test]
fn no_names_no_lookups() {
    let seen = Arc::new(Seen::default());
    let (answers, _) = run_timed(current_thread, Vec::new(), seen);
    assert!(answers.is_empty());
}
