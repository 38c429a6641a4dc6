// Mistake: it waits for every task to report before it looks for an error, so the first error cancels nothing.

use crossbeam::channel::unbounded;
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
    let (results_tx, results) = unbounded();
    let running: Vec<_> = tasks
        .into_iter()
        .map(|task| {
            let (cancel, results) = (cancel.clone(), results_tx.clone());
            thread::spawn(move || {
                let _ = results.send(task(&cancel));
            })
        })
        .collect();
    drop(results_tx);
    // Results in the order the tasks finish; a task that panics just closes its Sender.
    let all: Vec<Result<(), String>> = results.iter().collect();
    let first = all.into_iter().find(Result::is_err).unwrap_or(Ok(()));
    if first.is_err() {
        cancel.cancel();
    }
    let mut panicked = false;
    for task in running {
        panicked |= task.join().is_err();
    }
    match first {
        Ok(()) if panicked => Err("a task panicked".into()),
        first => first,
    }
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
