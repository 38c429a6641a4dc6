//! Go's `context` as tokio-util's `CancellationToken`: a tree where cancelling a parent cancels
//! its children and a child leaves its parent alone, plus timeouts and deadlines (section 5.8).

#[cfg(feature = "lesson")]
use chanlab_common::Cx;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

// ANCHOR: fan_out
/// Starts `waiters` tasks that each wait for `token`, cancels it, and returns how long it took
/// from the cancel until every waiter had seen it and ended.
///
/// ```
/// use tokio_util::sync::CancellationToken;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let took = chanlab_tasks::context::cancel_waiters(&CancellationToken::new(), 100).await;
/// assert!(took < std::time::Duration::from_secs(5));
/// # }
/// ```
///
/// # Panics
///
/// Outside a tokio runtime, as [`tokio::spawn`] does.
pub async fn cancel_waiters(token: &CancellationToken, waiters: usize) -> Duration {
    let started = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..waiters {
        let (token, started) = (token.clone(), started.clone());
        tasks.spawn(async move {
            started.fetch_add(1, Ordering::SeqCst);
            token.cancelled().await
        });
    }
    // Let every waiter start waiting before the cancel.
    while started.load(Ordering::SeqCst) < waiters {
        tokio::task::yield_now().await;
    }
    let cancelled = Instant::now();
    token.cancel();
    while let Some(joined) = tasks.join_next().await {
        joined.expect("a waiter panicked");
    }
    cancelled.elapsed()
}
// ANCHOR_END: fan_out

#[cfg(feature = "lesson")]
/// A worker that counts ticks until its token is cancelled; returns the count.
async fn ticking(token: CancellationToken, every: Duration) -> u32 {
    let mut ticks = 0;
    loop {
        tokio::select! {
            _ = token.cancelled() => return ticks,
            _ = tokio::time::sleep(every) => ticks += 1,
        }
    }
}

#[cfg(feature = "lesson")]
/// Cancel a child and its parent carries on; cancel the parent and its children stop; a timeout,
/// a deadline, and one cancel reaching a thousand waiting tasks.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    use tokio::time::{sleep, timeout};
    crate::runtime(2)?.block_on(async {
        let tick = cx.scaled(Duration::from_millis(100));
        // ANCHOR: tree
        let parent = CancellationToken::new();
        let child = parent.child_token();
        let grandchild = child.child_token();
        let sibling = parent.child_token();
        child.cancel(); // a child's cancel goes down, never up
        let (c, g, p, s) = (
            child.is_cancelled(),
            grandchild.is_cancelled(),
            parent.is_cancelled(),
            sibling.is_cancelled(),
        );
        // ANCHOR_END: tree
        cx.say(format!(
            "cancelled a child: child {c}, its child {g}; parent {p}, sibling {s}"
        ));

        // ANCHOR: cancel
        let workers: Vec<_> = (0..3)
            .map(|_| tokio::spawn(ticking(sibling.child_token(), tick)))
            .collect();
        sleep(cx.scaled(Duration::from_millis(350))).await;
        parent.cancel(); // reaches the sibling and, through it, every worker
        for worker in workers {
            let ticks = worker.await?;
            cx.say(format!(
                "worker stopped by its grandparent after {ticks} ticks"
            ));
        }
        // ANCHOR_END: cancel

        // ANCHOR: timeout
        let slow = sleep(cx.scaled(Duration::from_secs(2)));
        let limit = cx.secs(Duration::from_millis(500));
        match timeout(limit.real(), slow).await {
            Ok(()) => cx.say("the slow call finished"),
            Err(_) => cx.say(format!(
                "timeout after {limit}: the slow call was dropped, Go's DeadlineExceeded"
            )),
        }
        // A deadline is an instant: everything before it shares one budget.
        let deadline = tokio::time::Instant::now() + cx.scaled(Duration::from_millis(300));
        let token = CancellationToken::new();
        let stopped = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(deadline).await;
            stopped.cancel(); // context.WithDeadline
        });
        let ticks = ticking(token, tick).await;
        // ANCHOR_END: timeout
        cx.say(format!(
            "a token cancelled at its deadline stopped a worker after {ticks} ticks"
        ));

        let took = cancel_waiters(&CancellationToken::new(), 1_000).await;
        cx.say(format!(
            "one cancel reached 1000 waiting tasks, all ended in {:.2?}",
            took
        ));
        Ok(())
    })
}
