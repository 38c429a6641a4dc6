//! Lab `async_cancel_tree` (course section 5.8): the first error cancels every job, and the tasks
//! they started.
//!
//! Go's `errgroup.WithContext` with tasks: every job runs as a task of its own and gets a
//! `CancellationToken` (tokio-util's, Go's `ctx`). A job may start tasks of its own, each with
//! `token.child_token()`: cancelling a token cancels every token made from it, down the tree, as
//! cancelling a Go context cancels the contexts derived from it. The first job to fail (first in
//! time, not first in the list) decides the outcome, and the rest are cancelled, sub-tasks
//! included, since their work is now wasted. Cancelled jobs end with errors of their own
//! ("cancelled"): those are not the cause. `run_all` returns once every job has ended.
//!
//! Check: `cargo xtask lab check async_cancel_tree`. Experiment: `cargo xtask lab run
//! async_cancel_tree`. The tests live in `labs/tests/async_cancel_tree.rs`: read them, don't edit
//! them.

use std::pin::Pin;
use std::time::Duration;
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

/// A job: given a token, the future of some work that may fail. It should end soon once the
/// token is cancelled, and may start tasks of its own with `token.child_token()`.
pub type Job = Box<dyn FnOnce(CancellationToken) -> JobFuture + Send>;

/// What a job returns.
pub type JobFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// Runs every job as a task and returns the first error (first in time), once every job has
/// ended; `Ok` if none failed. The first error cancels the token every job was given.
pub async fn run_all(jobs: Vec<Job>) -> Result<(), String> {
    let token = CancellationToken::new();
    let running: Vec<_> = jobs
        .into_iter()
        .map(|job| tokio::spawn(job(token.child_token())))
        .collect();
    // TODO: awaiting the jobs in list order finds the first error *in the list*, after every job
    // has run to the end, and never cancels anyone. Spawn them into a `tokio::task::JoinSet`
    // instead and take them with `join_next()` as they end; at the first error, keep it and call
    // `token.cancel()` (which reaches the child tokens too), then keep joining until the set is
    // empty, so that `run_all` returns only once every job has ended.
    let mut first = Ok(());
    for job in running {
        let result = job
            .await
            .unwrap_or_else(|failed| Err(format!("a job failed: {failed}")));
        if first.is_ok() {
            first = result;
        }
    }
    first
}

/// A job that works for `ms` milliseconds unless cancelled first, then ends with `outcome`.
fn work(name: &'static str, ms: u64, outcome: Result<(), String>) -> Job {
    Box::new(move |token: CancellationToken| -> JobFuture {
        Box::pin(async move {
            tokio::select! {
                () = token.cancelled() => {
                    println!("{name}: cancelled");
                    Err("cancelled".into())
                }
                () = sleep(Duration::from_millis(ms)) => outcome,
            }
        })
    })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let start = Instant::now();
    let result = runtime.block_on(run_all(vec![
        work("backup", 2000, Ok(())),
        work("upload", 300, Err("disk full".into())),
        work("report", 1000, Err("too late to matter".into())),
    ]));
    println!("{result:?} after {:.2}s", start.elapsed().as_secs_f64());
}
