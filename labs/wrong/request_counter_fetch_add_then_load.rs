// Mistake: a narrow race. It counts with fetch_add, then reads its number with a separate load, which may include another request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

/// What the server's connection threads share.
#[derive(Default)]
pub struct Stats {
    requests: AtomicU64,
}

/// The answer to a request for `path`: `/count` reports the count (and is not counted); any other
/// path is counted and echoed with its number, 1 for the first request.
pub fn handle(path: &str, stats: &Stats) -> String {
    if path == "/count" {
        return format!("Count {}\n", stats.requests.load(Ordering::SeqCst));
    }
    // Read and write in one step: no other request can count in between.
    stats.requests.fetch_add(1, Ordering::SeqCst);
    let number = stats.requests.load(Ordering::SeqCst);
    render(path, number)
}

/// Renders the echo page; it takes a moment, as real work does.
fn render(path: &str, number: u64) -> String {
    thread::sleep(Duration::from_millis(1));
    format!("URL.Path = {path:?}\nrequest #{number}\n")
}

fn main() {
    let stats = Stats::default();
    thread::scope(|s| {
        for client in 0..4 {
            let stats = &stats;
            s.spawn(move || {
                for page in 0..25 {
                    handle(&format!("/client{client}/page{page}"), stats);
                }
            });
        }
    });
    print!("100 requests, {}", handle("/count", &stats));
}
