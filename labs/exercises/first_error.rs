//! Lab `first_error` (course section 5.8): run tasks at once; the first error wins and cancels the
//! rest.
//!
//! Like Go's `errgroup`: each task runs on its own thread; the first one to fail (first in time, not
//! first in the list) decides the outcome, and the others are told to stop, since their work is now
//! wasted. Tasks get a `Cancel` to look at. `run_all` returns once every task has stopped.
//!
//! Check: `cargo xtask lab check first_error`. Experiment: `cargo xtask lab run first_error`.
//! The tests live in `labs/tests/first_error.rs`: read them, don't edit them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// A cancellation flag the tasks of one `run_all` share.
#[derive(Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Asks every task to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the tasks have been asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A task: some work that may fail, and should stop early once `Cancel` says so.
pub type Task = Box<dyn FnOnce(&Cancel) -> Result<(), String> + Send>;

/// Runs every task on its own thread and returns the first error (first in time), once every task
/// has stopped; `Ok` if none failed. The first error cancels the other tasks.
pub fn run_all(tasks: Vec<Task>) -> Result<(), String> {
    let cancel = Cancel::default();
    let running: Vec<_> = tasks
        .into_iter()
        .map(|task| {
            let cancel = cancel.clone();
            thread::spawn(move || task(&cancel))
        })
        .collect();
    // TODO: joining the tasks in list order finds the first error *in the list*, after every task
    // has run to the end, and never cancels anyone. Have each task send its result on a channel as
    // it finishes; take the first error that arrives, call `cancel.cancel()`, and only then join.
    let mut first = Ok(());
    for task in running {
        let result = task
            .join()
            .unwrap_or_else(|_| Err("a task panicked".into()));
        if first.is_ok() {
            first = result;
        }
    }
    first
}

/// A task that works for `ms` milliseconds, looking at `cancel` every 10 ms, then ends with
/// `outcome`.
fn work(ms: u64, outcome: Result<(), String>) -> Task {
    Box::new(move |cancel| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(ms) {
            if cancel.is_cancelled() {
                return Err("cancelled".into());
            }
            thread::sleep(Duration::from_millis(10));
        }
        outcome
    })
}

fn main() {
    let start = Instant::now();
    let result = run_all(vec![
        work(2000, Ok(())),
        work(300, Err("disk full".into())),
        work(1000, Err("too late to matter".into())),
    ]);
    println!("{result:?} after {:.2}s", start.elapsed().as_secs_f64());
}
