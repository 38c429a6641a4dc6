//! Bounded concurrency: a task per job, but at most N at work, with a `Semaphore` or a `JoinSet`
//! kept at N (section 5.7). Tasks are cheap enough that the pool is not a set of workers but a
//! limit.

use chanlab_common::Cx;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::sleep;

/// Counts jobs at work and remembers the most at once.
#[derive(Debug, Default)]
pub struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    /// Runs `job`, counted as at work while it runs.
    pub async fn count<F: Future>(&self, job: F) -> F::Output {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let out = job.await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        out
    }

    /// The most jobs at work at the same moment so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Twelve jobs of 1 s, three at a time: 4 s, once with a `Semaphore` and once with a `JoinSet` of
/// three.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    const JOBS: u64 = 12;
    const LIMIT: usize = 3;
    crate::runtime(2)?.block_on(async {
        let job_time = cx.scaled(Duration::from_secs(1));
        let started = Instant::now();
        // ANCHOR: semaphore
        let permits = Arc::new(Semaphore::new(LIMIT));
        let gauge = Arc::new(Gauge::default());
        let mut jobs = JoinSet::new();
        for n in 1..=JOBS {
            let (permits, gauge) = (permits.clone(), gauge.clone());
            jobs.spawn(async move {
                let _permit = permits.acquire().await?; // held until the job ends
                gauge.count(sleep(job_time)).await;
                anyhow::Ok(n * n)
            });
        }
        let mut sum = 0;
        while let Some(done) = jobs.join_next().await {
            sum += done??;
        }
        // ANCHOR_END: semaphore
        cx.say(format!(
            "Semaphore({LIMIT}): {JOBS} tasks spawned at once, at most {} at work, done in {:.1}, sum of squares {sum}",
            gauge.peak(),
            cx.secs_taken(started.elapsed())
        ));

        let started = Instant::now();
        // ANCHOR: joinset
        let gauge = Arc::new(Gauge::default());
        let mut running = JoinSet::new();
        let mut sum = 0;
        for n in 1..=JOBS {
            if running.len() == LIMIT {
                sum += running.join_next().await.expect("three are running")?; // wait for one
            }
            let gauge = gauge.clone();
            running.spawn(async move {
                gauge.count(sleep(job_time)).await;
                n * n
            });
        }
        while let Some(done) = running.join_next().await {
            sum += done?;
        }
        // ANCHOR_END: joinset
        cx.say(format!(
            "JoinSet of {LIMIT}: a task spawned as another ends, at most {} at work, done in {:.1}, sum {sum}",
            gauge.peak(),
            cx.secs_taken(started.elapsed())
        ));
        Ok(())
    })
}
