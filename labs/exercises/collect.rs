//! Lab `collect` (course section 5.2): start a thread per job and collect the results over a
//! channel, as they arrive — the shape of the course's `fetchall`.
//!
//! `fetch_all` below fetches one URL after another. Make it fetch them all at once: one thread per
//! URL, each sending its answer over a channel, and this function receiving one answer per URL.
//!
//! Check: `cargo xtask lab check collect`. Experiment: `cargo xtask lab run collect`.
//! The tests live in `labs/tests/collect.rs`: read them, don't edit them.

use std::thread;
use std::time::{Duration, Instant};

/// Fetches every URL with `fetch` and returns the answers in the order they arrive.
pub fn fetch_all(urls: &[&str], fetch: fn(&str) -> String) -> Vec<String> {
    // TODO: this fetches one URL after another: it takes as long as every fetch put together, and
    // answers in the order asked. Start one thread per URL instead (a spawned thread needs owned
    // data: `url.to_string()`), have each send `fetch(&url)` on a channel
    // (`crossbeam::channel::unbounded()`), and receive exactly `urls.len()` answers.
    urls.iter().map(|url| fetch(url)).collect()
}

/// Pretends to fetch `url`: waits 100 ms per character of its name, then describes it.
fn pretend_fetch(url: &str) -> String {
    let wait = Duration::from_millis(100 * url.len() as u64);
    thread::sleep(wait);
    format!("{:.2}s {url}", wait.as_secs_f64())
}

fn main() {
    let start = Instant::now();
    for answer in fetch_all(&["slow", "mid", "a"], pretend_fetch) {
        println!("{answer}");
    }
    println!("{:.2}s elapsed", start.elapsed().as_secs_f64());
}
