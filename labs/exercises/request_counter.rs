//! Lab `request_counter` (course section 5.9): a request counter that counts every request of a
//! server that answers each connection on its own thread.
//!
//! The course's server counts requests behind a mutex. Rust will not let two threads write one
//! plain integer (that would not compile), but it cannot stop a *logic* race: reading the counter,
//! then writing it back, in two steps. Between them, another request may count too, and one of the
//! two counts is lost. Make counting one indivisible step.
//!
//! Check: `cargo xtask lab check request_counter`. Experiment: `cargo xtask lab run
//! request_counter`. The tests live in `labs/tests/request_counter.rs`: read them, don't edit them.

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
    // TODO: a read, some work, then a write: two requests that overlap read the same number, and
    // one count is lost. Count in one indivisible step that also tells you your number
    // (`AtomicU64::fetch_add` returns the value before the addition), or hold a `Mutex` across
    // the read and the write.
    let number = stats.requests.load(Ordering::SeqCst) + 1;
    let answer = render(path, number);
    stats.requests.store(number, Ordering::SeqCst);
    answer
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
