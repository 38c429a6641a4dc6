//! Lab `async_fetch_limit` (course section 5.7): fetch with tasks, at most `limit` at a time.
//!
//! A task costs next to nothing, so `fetch_all` spawns one per URL at once. But a fetch is not
//! free: each holds a connection, a socket, a server's attention. With 10,000 URLs this opens
//! 10,000 connections together. Bound it: at most `limit` fetches in flight, and no more than
//! `limit` tasks alive either (a million URLs must not make a million tasks), while keeping the
//! limit busy: as soon as one fetch ends, the next starts. The results stay in the order of
//! `urls`.
//!
//! Check: `cargo xtask lab check async_fetch_limit`. Experiment: `cargo xtask lab run
//! async_fetch_limit`. The tests live in `labs/tests/async_fetch_limit.rs`: read them, don't edit
//! them.

use std::time::Duration;
use tokio::time::Instant;

/// Fetches every URL with `fetch`, each in a task of its own, at most `limit` at a time (a
/// `limit` of 0 counts as 1), and returns the results in the order of `urls`. A task is spawned
/// only once a fetch may start: at most `limit` tasks are alive at once.
pub async fn fetch_all<F, Fut>(
    urls: Vec<String>,
    limit: usize,
    fetch: F,
) -> Vec<Result<String, String>>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<String, String>> + Send + 'static,
{
    // TODO: every task is spawned at once, so every fetch runs at once. Make a
    // `tokio::sync::Semaphore` of `limit` permits (`Arc` it), and before spawning each task wait
    // for a permit with `acquire_owned().await`; move the permit into the task, so that it is
    // given back when the fetch ends.
    let _ = limit;
    let mut tasks = Vec::with_capacity(urls.len());
    for url in urls {
        tasks.push(tokio::spawn(fetch(url)));
    }
    let mut pages = Vec::with_capacity(tasks.len());
    for task in tasks {
        pages.push(match task.await {
            Ok(page) => page,
            Err(failed) => Err(format!("the fetch failed: {failed}")),
        });
    }
    pages
}

/// A pretend fetch: waits a moment as a server would, then answers.
async fn pretend_fetch(url: String) -> Result<String, String> {
    let ms = 100 + 50 * (url.len() as u64 % 5);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(format!("{} bytes from {url}", url.len() * 100))
}

fn main() {
    let urls: Vec<String> = (1..=12)
        .map(|n| format!("https://example.com/{n}"))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let start = Instant::now();
    let pages = runtime.block_on(fetch_all(urls, 3, pretend_fetch));
    for page in &pages {
        println!("{page:?}");
    }
    println!(
        "{} pages, 3 at a time, in {:.2}s",
        pages.len(),
        start.elapsed().as_secs_f64()
    );
}
