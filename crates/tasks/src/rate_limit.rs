//! Rate limiting with tokio's clock: an `interval` per request, what it does with ticks a slow
//! consumer missed (`MissedTickBehavior`), and a bursty limiter (section 5.7).

#[cfg(feature = "lesson")]
use chanlab_common::Cx;
use chanlab_patterns::RateLimiter;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep};

// ANCHOR: acquire
/// Takes a permit from `limiter`, sleeping on the runtime's timer until it is due: the bursty
/// limiter of the patterns lesson, shared by tasks without blocking a worker thread.
///
/// Dropping the future while it sleeps gives up the permit's slot, which is not handed back.
///
/// ```
/// use chanlab_patterns::RateLimiter;
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let limiter = RateLimiter::bursty(Duration::from_millis(20), 3).unwrap();
/// let start = tokio::time::Instant::now();
/// for _ in 0..4 {
///     chanlab_tasks::rate_limit::acquire(&limiter).await;
/// }
/// assert!(start.elapsed() >= Duration::from_millis(20)); // three at once, then one interval
/// # }
/// ```
pub async fn acquire(limiter: &RateLimiter) {
    let delay = limiter.reserve();
    if !delay.is_zero() {
        sleep(delay).await;
    }
}
// ANCHOR_END: acquire

/// When each of the next `count` ticks of an interval of `period` came, for a consumer that
/// takes the first tick and then stalls for `stall`; times from the first tick, as the consumer
/// saw them (`tick` itself returns when each tick was due).
pub async fn ticks_after_stall(
    behavior: MissedTickBehavior,
    period: Duration,
    stall: Duration,
    count: usize,
) -> Vec<Duration> {
    // ANCHOR: missed
    let start = Instant::now();
    let mut ticks = interval_at(start, period);
    ticks.set_missed_tick_behavior(behavior);
    ticks.tick().await; // the first tick is at once
    sleep(stall).await; // busy elsewhere: ticks are missed
    let mut at = Vec::with_capacity(count);
    for _ in 0..count {
        ticks.tick().await;
        at.push(start.elapsed());
    }
    // ANCHOR_END: missed
    at
}

/// `after a 0.65s stall, ticks at 0.65 0.65 0.65 0.80s`, in seconds as run; at a pace other than 1
/// the same figures at pace 1 follow in one note, which keeps a list of four readable.
#[cfg(feature = "lesson")]
fn after_stall(cx: &Cx, stall: Duration, ticks: &[Duration]) -> String {
    let pace = cx.pace().factor();
    let told = |spans: &[Duration], decimals: usize| -> String {
        let figures: Vec<String> = spans
            .iter()
            .map(|d| format!("{:.decimals$}", d.as_secs_f64()))
            .collect();
        figures.join(" ")
    };
    // Two decimals at pace 1, and as `Seconds` does, one more as run per tenth of the pace.
    let decimals = 2 + (-pace.log10()).ceil().max(0.0) as usize;
    let line = format!(
        "after a {}s stall, ticks at {}s",
        told(&[stall], decimals),
        told(ticks, decimals)
    );
    if pace == 1.0 {
        return line;
    }
    let lesson: Vec<Duration> = ticks.iter().map(|d| cx.unscaled(*d)).collect();
    format!(
        "{line} (stall {}s, ticks {}s at pace 1)",
        told(&[cx.unscaled(stall)], 2),
        told(&lesson, 2)
    )
}

#[cfg(feature = "lesson")]
/// Five requests paced by a 200 ms interval; what Burst, Delay and Skip do after a 650 ms stall;
/// then a limiter with a burst of 3 serving six requests.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    use tokio::time::interval;
    crate::runtime(2)?.block_on(async {
        let period = cx.scaled(Duration::from_millis(200));
        let at = |start: Instant| cx.secs_taken(start.elapsed());
        // ANCHOR: interval
        let start = Instant::now();
        let mut ticks = interval(period);
        for request in 1..=5 {
            ticks.tick().await;
            cx.say(format!("request {request} at {:.1}", at(start)));
        }
        // ANCHOR_END: interval

        let stall = cx.scaled(Duration::from_millis(650));
        for (name, behavior) in [
            ("Burst", MissedTickBehavior::Burst),
            ("Delay", MissedTickBehavior::Delay),
            ("Skip", MissedTickBehavior::Skip),
        ] {
            let ticks = ticks_after_stall(behavior, period, stall, 4).await;
            cx.say(format!("{name:<5} {}", after_stall(cx, stall, &ticks)));
        }

        // ANCHOR: bursty
        let limiter = RateLimiter::bursty(period, 3)?;
        let start = Instant::now();
        for request in 1..=6 {
            acquire(&limiter).await;
            cx.say(format!("bursty request {request} at {:.1}", at(start)));
        }
        // ANCHOR_END: bursty
        Ok(())
    })
}
