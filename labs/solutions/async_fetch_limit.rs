//! Lab `async_fetch_limit` (course section 5.7), reference solution: fetch with tasks, at most
//! `limit` at a time.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
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
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut tasks = Vec::with_capacity(urls.len());
    for url in urls {
        // Wait for room before spawning: the permit goes into the task and is given back as it
        // ends.
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let fetching = fetch(url);
        tasks.push(tokio::spawn(async move {
            let page = fetching.await;
            drop(permit);
            page
        }));
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
