//! The tasks lesson's tests, one module per step, gathered in one binary to save link time.

mod blocking;
mod channels;
mod context;
mod errgroup;
mod fan_in;
mod pipeline;
mod rate_limit;
mod select;
mod serve;
mod spawn;
mod unbuffered;
mod worker_pool;

/// A current-thread runtime for tests of the reusable items: the smallest, and no thread to
/// leave behind.
pub fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// Seconds on the lesson's clock in a line such as `... at 0.6s`: the number before the first
/// `s` that follows `marker`.
pub fn seconds_after(line: &str, marker: &str) -> f64 {
    let rest = &line[line
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in {line:?}"))
        + marker.len()..];
    let number: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number
        .parse()
        .unwrap_or_else(|_| panic!("no seconds after {marker:?} in {line:?}"))
}
