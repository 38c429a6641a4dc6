//! Lab `async_cancel_tree` (course section 5.8), reference solution: the first error cancels
//! every job and the tasks they started.

use std::pin::Pin;
use std::time::Duration;
use tokio::task::JoinSet;
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
    let mut running = JoinSet::new();
    for job in jobs {
        running.spawn(job(token.child_token()));
    }
    let mut first = Ok(());
    // In the order they end: the first error is the first to come back as one.
    while let Some(ended) = running.join_next().await {
        let result = ended.unwrap_or_else(|failed| Err(format!("a job failed: {failed}")));
        if first.is_ok() && result.is_err() {
            first = result;
            token.cancel(); // reaches every job's token, and every token made from those
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
