//! Tests of the `async_fetch_limit` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.
//!
//! They run on a paused clock: a pretend fetch's sleep takes no real time, and the clock jumps to
//! the next timer once every task waits, so the times measured are exact whatever the machine.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/async_fetch_limit.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/async_fetch_limit.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::no_threads_left;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::time::{Instant, sleep};

const DEADLINE: Duration = Duration::from_secs(10);

/// What the pretend fetches saw: how many ran at once, how many tasks were alive, each URL's
/// fetch count.
#[derive(Default)]
struct Seen {
    fetching: AtomicUsize,
    most_fetching: AtomicUsize,
    most_tasks: AtomicUsize,
    fetches: Mutex<HashMap<String, usize>>,
}

/// A fetch of `url` that takes the milliseconds `ms` gives it, and fails for URLs that end in
/// `!`.
fn pretend(
    seen: &Arc<Seen>,
    ms: impl Fn(&str) -> u64,
) -> impl Fn(String) -> std::pin::Pin<Box<dyn Future<Output = Result<String, String>> + Send>> {
    move |url: String| {
        let seen = seen.clone();
        let ms = ms(&url);
        Box::pin(async move {
            let now = seen.fetching.fetch_add(1, Ordering::SeqCst) + 1;
            seen.most_fetching.fetch_max(now, Ordering::SeqCst);
            let tasks = Handle::current().metrics().num_alive_tasks();
            seen.most_tasks.fetch_max(tasks, Ordering::SeqCst);
            *seen.fetches.lock().unwrap().entry(url.clone()).or_default() += 1;
            sleep(Duration::from_millis(ms)).await;
            seen.fetching.fetch_sub(1, Ordering::SeqCst);
            match url.strip_suffix('!') {
                Some(_) => Err(format!("{url} is broken")),
                None => Ok(format!("page of {url}")),
            }
        })
    }
}

fn urls(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("http://site/{i}")).collect()
}

/// Runs `fetch_all` on a current-thread runtime with a paused clock; returns the pages and the
/// time it took on that clock.
fn run(
    urls: Vec<String>,
    limit: usize,
    seen: Arc<Seen>,
    ms: impl Fn(&str) -> u64 + Send + 'static,
) -> (Vec<Result<String, String>>, Duration) {
    no_threads_left(DEADLINE, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let start = Instant::now();
            let pages = lab::fetch_all(urls, limit, pretend(&seen, ms)).await;
            (pages, start.elapsed())
        })
    })
}

#[test]
fn every_url_is_fetched_once_and_the_pages_keep_their_order() {
    let seen = Arc::new(Seen::default());
    let mut list = urls(20);
    list[7].push('!');
    let (pages, _) = run(list.clone(), 4, seen.clone(), |url| {
        10 + url.len() as u64 % 7
    });
    let expected: Vec<Result<String, String>> = list
        .iter()
        .map(|url| match url.strip_suffix('!') {
            Some(_) => Err(format!("{url} is broken")),
            None => Ok(format!("page of {url}")),
        })
        .collect();
    assert_eq!(
        pages, expected,
        "one result per URL, in the order of `urls`"
    );
    let fetches = seen.fetches.lock().unwrap();
    assert!(
        list.iter().all(|url| fetches.get(url) == Some(&1)),
        "each URL must be fetched exactly once: {fetches:?}"
    );
}

#[test]
fn at_most_limit_fetches_run_at_once_and_the_limit_is_used() {
    for limit in [1, 3, 5] {
        let seen = Arc::new(Seen::default());
        let (pages, _) = run(urls(24), limit, seen.clone(), |_| 50);
        assert_eq!(pages.len(), 24);
        let most = seen.most_fetching.load(Ordering::SeqCst);
        assert!(
            most <= limit,
            "{most} fetches ran at once with a limit of {limit}: the limit is not enforced (a \
             permit dropped at once, `let _ = ...acquire()`, limits nothing)"
        );
        assert_eq!(
            most, limit,
            "with 24 URLs and a limit of {limit}, {limit} fetches should run at once, not {most}"
        );
    }
}

#[test]
fn at_most_limit_tasks_are_alive_at_once() {
    let seen = Arc::new(Seen::default());
    run(urls(40), 4, seen.clone(), |_| 20);
    let most = seen.most_tasks.load(Ordering::SeqCst);
    assert!(
        most <= 4,
        "{most} tasks were alive at once for a limit of 4: wait for a permit before spawning a \
         task, not inside it (each waiting task is one more, and a million URLs would make a \
         million)"
    );
}

#[test]
fn a_slow_fetch_does_not_hold_up_the_others() {
    // Two at a time: one URL takes 1 s, nine take 100 ms each. The nine can run one after another
    // beside the slow one: 1 s in all. Batches of two, each waiting for its slowest, take 1.4 s.
    let seen = Arc::new(Seen::default());
    let (_, took) = run(urls(10), 2, seen, |url| {
        if url.ends_with("/0") { 1000 } else { 100 }
    });
    assert!(
        took < Duration::from_millis(1100),
        "fetch_all took {took:?} where 1 s is enough: start the next fetch as soon as any one \
         ends, not when a whole batch has"
    );
}

#[test]
fn small_lists_and_a_zero_limit() {
    let seen = Arc::new(Seen::default());
    let (pages, _) = run(Vec::new(), 3, seen.clone(), |_| 10);
    assert!(pages.is_empty());
    let (pages, took) = run(urls(2), 10, seen.clone(), |_| 100);
    assert_eq!(pages.len(), 2);
    assert!(
        took < Duration::from_millis(150),
        "2 fetches of 100 ms with a limit of 10 took {took:?}: they can run together"
    );
    let (pages, took) = run(urls(3), 0, seen, |_| 100);
    assert_eq!(pages.len(), 3, "a limit of 0 counts as 1");
    assert!(
        took >= Duration::from_millis(300),
        "a limit of 0 counts as 1: one at a time"
    );
}
