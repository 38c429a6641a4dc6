//! A worker pool: a fixed number of threads take jobs from one channel and send results back on
//! another (section 5.7).
//!
//! Go's version shares a `jobs` channel among `n` goroutines and reads exactly as many results as
//! it sent jobs. [`WorkerPool`] packages the same shape: [`WorkerPool::submit`] hands a job to
//! the next free worker, [`WorkerPool::wait`] closes the jobs channel and returns once every
//! worker has finished, and the results channel closes by itself when the last worker exits, so
//! `for r in &results` needs no count.

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
#[cfg(feature = "lesson")]
use {
    chanlab_common::Cx,
    std::time::{Duration, Instant},
};

/// What can go wrong with a [`WorkerPool`].
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// A pool needs at least one worker.
    NoWorkers,
    /// Every worker has stopped (each panicked), so nobody can take the job.
    Stopped,
    /// A job panicked, which ended the worker running it.
    WorkerPanicked {
        /// The worker's thread name.
        worker: String,
    },
    /// The operating system could not start a worker thread.
    Spawn(String),
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolError::NoWorkers => f.write_str("a worker pool needs at least one worker"),
            PoolError::Stopped => f.write_str("every worker has stopped; the job was not taken"),
            PoolError::WorkerPanicked { worker } => write!(f, "a job panicked on {worker}"),
            PoolError::Spawn(e) => write!(f, "could not start a worker thread: {e}"),
        }
    }
}

impl std::error::Error for PoolError {}

// ANCHOR: pool
/// `n` worker threads, named `worker 1`…`worker n`, running `work` on each submitted job.
///
/// Results go to an unbounded channel, so a worker never waits for the reader: submitting every
/// job before reading any result cannot deadlock. Dropping the pool without [`wait`] also closes
/// the jobs channel and joins the workers.
///
/// ```
/// use chanlab_patterns::WorkerPool;
///
/// let (pool, results) = WorkerPool::new(3, |job: u32| job * 2)?;
/// for job in 1..=5 {
///     pool.submit(job)?;
/// }
/// pool.wait()?; // every job done, every worker gone
/// let mut doubled: Vec<u32> = results.iter().collect();
/// doubled.sort();
/// assert_eq!(doubled, [2, 4, 6, 8, 10]);
/// # Ok::<(), chanlab_patterns::worker_pool::PoolError>(())
/// ```
///
/// [`wait`]: WorkerPool::wait
#[derive(Debug)]
pub struct WorkerPool<J> {
    jobs: Option<Sender<J>>,
    workers: Vec<JoinHandle<()>>,
}

impl<J: Send + 'static> WorkerPool<J> {
    /// Starts `workers` threads running `work`, and returns the pool with its results channel.
    pub fn new<R, F>(workers: usize, work: F) -> Result<(WorkerPool<J>, Receiver<R>), PoolError>
    where
        R: Send + 'static,
        F: Fn(J) -> R + Send + Sync + 'static,
    {
        if workers == 0 {
            return Err(PoolError::NoWorkers);
        }
        // Unbuffered, as in Go's `make(chan int)`: a submit returns once a worker has the job.
        let (jobs_tx, jobs) = bounded::<J>(0);
        let (results_tx, results) = unbounded();
        let work = Arc::new(work);
        let mut pool = WorkerPool {
            jobs: Some(jobs_tx),
            workers: Vec::with_capacity(workers),
        };
        for id in 1..=workers {
            let (jobs, results_tx, work) = (jobs.clone(), results_tx.clone(), Arc::clone(&work));
            let worker = thread::Builder::new()
                .name(format!("worker {id}"))
                .spawn(move || {
                    for job in &jobs {
                        // A reader that hung up does not stop the jobs: they may matter for
                        // their effects.
                        let _ = results_tx.send(work(job));
                    }
                })
                .map_err(|e| PoolError::Spawn(e.to_string()))?; // dropping `pool` joins the rest
            pool.workers.push(worker);
        }
        Ok((pool, results))
    }

    /// Hands `job` to the next free worker, waiting until one is free.
    pub fn submit(&self, job: J) -> Result<(), PoolError> {
        let jobs = self
            .jobs
            .as_ref()
            .expect("the jobs channel is open until wait");
        jobs.send(job).map_err(|_| PoolError::Stopped)
    }

    /// Closes the jobs channel and waits for the workers to finish every job and exit.
    ///
    /// Returns [`PoolError::WorkerPanicked`] if a job panicked (its worker ended; the others
    /// went on with the remaining jobs).
    pub fn wait(mut self) -> Result<(), PoolError> {
        self.jobs = None; // Go: close(jobs)
        let mut outcome = Ok(());
        for worker in self.workers.drain(..) {
            let name = worker.thread().name().unwrap_or("worker").to_owned();
            if worker.join().is_err() && outcome.is_ok() {
                outcome = Err(PoolError::WorkerPanicked { worker: name });
            }
        }
        outcome
    }
}
// ANCHOR_END: pool

impl<J> Drop for WorkerPool<J> {
    fn drop(&mut self) {
        self.jobs = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join(); // a panic was already printed; drop must not panic again
        }
    }
}

/// The course's pool: three workers, five jobs of a second each, results doubled.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let start = Instant::now();
    // ANCHOR: run
    let worker_cx = cx.clone();
    let (pool, results) = WorkerPool::new(3, move |job: u32| {
        let cx = &worker_cx;
        let me = thread::current().name().unwrap_or("worker").to_owned();
        cx.say(format!("{me} started job {job}"));
        cx.sleep(Duration::from_secs(1));
        cx.say(format!("{me} finished job {job}"));
        job * 2
    })?;
    for job in 1..=5 {
        pool.submit(job)?;
    }
    pool.wait()?;
    let mut doubled: Vec<u32> = results.iter().collect();
    // ANCHOR_END: run
    doubled.sort_unstable();
    let took = cx.secs_taken(start.elapsed());
    let second = Duration::from_secs(1);
    cx.say(format!("results: {doubled:?}"));
    cx.say(format!(
        "5 jobs of {} on 3 workers took {took:.1}; one after another: {}",
        cx.secs(second),
        cx.secs(second * 5)
    ));
    Ok(())
}
