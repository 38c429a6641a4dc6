// Mistake: a fixed cut-off. It stops collecting after half a second without an answer, instead of when the channel closes.

use crossbeam::channel::unbounded;
use std::thread;
use std::time::{Duration, Instant};

/// Fetches every URL with `fetch` and returns the answers in the order they arrive.
pub fn fetch_all(urls: &[&str], fetch: fn(&str) -> String) -> Vec<String> {
    let (tx, rx) = unbounded();
    for url in urls {
        let tx = tx.clone();
        let url = url.to_string();
        // The channel is unbounded, so a send never waits: each thread ends right after it.
        thread::spawn(move || tx.send(fetch(&url)));
    }
    // Receiving exactly `urls.len()` answers would do; closing our Sender and receiving until the
    // channel closes also ends if a thread dies before it sends.
    // Every fetch answers well within half a second.
    let mut answers = Vec::new();
    while let Ok(answer) = rx.recv_timeout(Duration::from_millis(500)) {
        answers.push(answer);
    }
    answers
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
