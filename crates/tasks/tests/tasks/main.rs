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
