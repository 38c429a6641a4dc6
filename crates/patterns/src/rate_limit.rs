//! Rate limiting: a ticker lets one request through per interval; a bursty limiter lets a few
//! through at once, then one per interval (section 5.7).
//!
//! Go's example reads from `time.Tick(200ms)` before each request. [`RateLimiter`] does the same
//! job without a ticker or any background thread: it keeps one instant, the time at which the
//! next permit is due (the "generic cell rate algorithm"), and works out from the clock whether a
//! permit is available or how long to sleep for one. Concurrent waiters each reserve their own
//! slot, so they wake one interval apart instead of racing.

use chanlab_sync::shim::Mutex;
use std::thread;
use std::time::{Duration, Instant};
#[cfg(feature = "lesson")]
use {chanlab_common::Cx, crossbeam_channel::tick};

/// The longest interval × burst a limiter accepts: beyond it a limit means "never".
pub const MAX_SPAN: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// A limiter that cannot be built.
#[derive(Debug, PartialEq, Eq)]
pub enum RateLimitError {
    /// A burst of zero would never let anything through.
    ZeroBurst,
    /// interval × burst is longer than [`MAX_SPAN`].
    TooSlow(Option<Duration>),
}

impl std::fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RateLimitError::ZeroBurst => f.write_str("the burst must be at least 1"),
            RateLimitError::TooSlow(span) => {
                write!(f, "interval × burst must be at most a year, not {span:?}")
            }
        }
    }
}

impl std::error::Error for RateLimitError {}

// ANCHOR: limiter
/// Lets through at most `burst` permits at once, refilled at one per `interval`.
///
/// A new limiter is full: the first `burst` permits are immediate, then one comes every
/// `interval`. [`RateLimiter::steady`] is a burst of one, Go's ticker with the first tick at once.
///
/// ```
/// use chanlab_patterns::RateLimiter;
/// use std::time::Duration;
///
/// let limiter = RateLimiter::bursty(Duration::from_secs(3600), 3)?;
/// let granted = (0..5).filter(|_| limiter.try_acquire()).count();
/// assert_eq!(granted, 3); // the burst; the next permit is an hour away
/// # Ok::<(), chanlab_patterns::rate_limit::RateLimitError>(())
/// ```
///
/// [`wait`](RateLimiter::wait) sleeps until its permit is due:
///
/// ```
/// use chanlab_patterns::RateLimiter;
/// use std::time::{Duration, Instant};
///
/// let limiter = RateLimiter::steady(Duration::from_millis(10))?;
/// let start = Instant::now();
/// for _ in 0..4 {
///     limiter.wait();
/// }
/// assert!(start.elapsed() >= Duration::from_millis(30)); // immediate, then 3 × 10 ms
/// # Ok::<(), chanlab_patterns::rate_limit::RateLimitError>(())
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    /// How far ahead of now the next permit may be due and still be granted now:
    /// `(burst - 1) × interval`.
    slack: Duration,
    /// When the next permit is due if nobody waits; before now when permits have piled up.
    next: Mutex<Instant>,
}

impl RateLimiter {
    /// One permit per `interval`, the first at once.
    pub fn steady(interval: Duration) -> Result<RateLimiter, RateLimitError> {
        RateLimiter::bursty(interval, 1)
    }

    /// Up to `burst` permits at once, refilled at one per `interval`.
    pub fn bursty(interval: Duration, burst: u32) -> Result<RateLimiter, RateLimitError> {
        if burst == 0 {
            return Err(RateLimitError::ZeroBurst);
        }
        let span = interval.checked_mul(burst);
        if span.is_none_or(|span| span > MAX_SPAN) {
            return Err(RateLimitError::TooSlow(span));
        }
        Ok(RateLimiter {
            interval,
            slack: interval * (burst - 1),
            next: Mutex::new(Instant::now()),
        })
    }

    /// Takes a permit if one is available now.
    pub fn try_acquire(&self) -> bool {
        self.try_acquire_at(Instant::now())
    }

    /// Takes a permit if one is available at `now`: [`try_acquire`](RateLimiter::try_acquire)
    /// with the clock given, for tests and simulations. `now` should not go backwards.
    pub fn try_acquire_at(&self, now: Instant) -> bool {
        let mut next = self.next.lock();
        let due = (*next).max(now);
        if due - now > self.slack {
            return false;
        }
        *next = due + self.interval;
        true
    }

    /// Takes a permit, sleeping until it is due. Waiters are served in the order they call.
    pub fn wait(&self) {
        let delay = self.reserve();
        if !delay.is_zero() {
            thread::sleep(delay);
        }
    }

    /// Takes a permit that is due after the returned delay (zero when it is due now); the caller
    /// waits that long itself. This is [`wait`](RateLimiter::wait) for code that must not block
    /// its thread: an async task sleeps with its runtime's timer instead.
    ///
    /// ```
    /// use chanlab_patterns::RateLimiter;
    /// use std::time::Duration;
    ///
    /// let limiter = RateLimiter::steady(Duration::from_secs(60))?;
    /// assert_eq!(limiter.reserve(), Duration::ZERO);
    /// assert!(limiter.reserve() > Duration::from_secs(59)); // the next slot is a minute away
    /// # Ok::<(), chanlab_patterns::rate_limit::RateLimitError>(())
    /// ```
    pub fn reserve(&self) -> Duration {
        let now = Instant::now();
        let mut next = self.next.lock();
        let due = (*next).max(now);
        *next = due + self.interval; // this caller's slot is reserved
        (due - now).saturating_sub(self.slack)
    }
}
// ANCHOR_END: limiter

/// The course's 200 ms ticker, then a limiter with a burst of 3, then four clients sharing one.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let interval = cx.scaled(Duration::from_millis(200));
    let at = |start: Instant| cx.secs_taken(start.elapsed());

    // ANCHOR: ticker
    let start = Instant::now();
    let limiter = tick(interval); // Go: time.Tick(200 * time.Millisecond)
    for request in 1..=5 {
        limiter.recv()?; // the first tick comes after one interval
        cx.say(format!("ticker: request {request} at {:.1}", at(start)));
    }
    // ANCHOR_END: ticker
    drop(limiter);

    // ANCHOR: bursty
    let start = Instant::now();
    let limiter = RateLimiter::bursty(interval, 3)?;
    for request in 1..=6 {
        limiter.wait(); // three at once, then one every 200 ms
        cx.say(format!("bursty: request {request} at {:.1}", at(start)));
    }
    // ANCHOR_END: bursty

    // ANCHOR: shared
    let start = Instant::now();
    let limiter = RateLimiter::bursty(interval, 3)?;
    thread::scope(|s| {
        (1..=4).try_for_each(|client| {
            let limiter = &limiter;
            thread::Builder::new()
                .name(format!("client {client}"))
                .spawn_scoped(s, move || {
                    for request in 1..=2 {
                        limiter.wait();
                        cx.say(format!(
                            "client {client}: request {request} at {:.1}",
                            at(start)
                        ));
                    }
                })
                .map(drop)
        })
    })?;
    // ANCHOR_END: shared
    cx.say(format!(
        "4 clients × 2 requests through one limiter: 3 at once, the other 5 {} apart, \
         done at {:.1}",
        cx.secs(Duration::from_millis(200)),
        at(start)
    ));
    Ok(())
}

/// Loom models: every interleaving of a few threads, up to `LOOM_MAX_PREEMPTIONS` preemptions.
#[cfg(all(test, chanlab_loom))]
mod models {
    use super::RateLimiter;
    use loom::thread;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// Three threads take permits at the same instant from a burst of two: exactly two succeed.
    #[test]
    fn racing_threads_never_exceed_the_burst() {
        loom::model(|| {
            let limiter = Arc::new(RateLimiter::bursty(Duration::from_secs(60), 2).unwrap());
            let now = Instant::now();
            let takers: Vec<_> = (0..2)
                .map(|_| {
                    let limiter = Arc::clone(&limiter);
                    thread::spawn(move || limiter.try_acquire_at(now))
                })
                .collect();
            let mut granted = usize::from(limiter.try_acquire_at(now));
            for taker in takers {
                granted += usize::from(taker.join().unwrap());
            }
            assert_eq!(granted, 2);
        });
    }
}
