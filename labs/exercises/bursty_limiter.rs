//! Lab `bursty_limiter` (course section 5.7): a rate limiter that allows short bursts.
//!
//! A steady limiter lets one call through per `interval`. A bursty one also banks unused turns, up
//! to `burst`: after a quiet spell, `burst` calls may go at once, then the steady pace resumes. The
//! classic channel design is a bucket of tokens: a channel of capacity `burst` that a thread refills
//! with one token per interval; each call takes a token. This one has two bugs.
//!
//! Check: `cargo xtask lab check bursty_limiter`. Experiment: `cargo xtask lab run bursty_limiter`.
//! The tests live in `labs/tests/bursty_limiter.rs`: read them, don't edit them.

use crossbeam::channel::{Receiver, bounded, tick};
use std::thread;
use std::time::{Duration, Instant};

/// Lets calls through at one per `interval` on average, and up to `burst` at once after a lull.
pub struct Limiter {
    tokens: Receiver<()>,
}

impl Limiter {
    /// A limiter allowing bursts of `burst` (at least one) and one call per `interval` after that.
    pub fn new(burst: usize, interval: Duration) -> Limiter {
        let (bucket, tokens) = bounded(burst.max(1));
        // TODO: two bugs. A new limiter should allow a full burst at once, but its bucket starts
        // empty: fill it first. And the refill thread never ends: `try_send` fails with
        // `TrySendError::Disconnected` once the limiter (the token `Receiver`) has been dropped,
        // and that is the moment to stop; a full bucket (`Full`) is no reason to stop.
        thread::spawn(move || {
            for _ in tick(interval) {
                let _ = bucket.try_send(());
            }
        });
        Limiter { tokens }
    }

    /// Waits until a call may go ahead.
    pub fn wait(&self) {
        self.tokens
            .recv()
            .expect("the refill thread outlives the limiter");
    }
}

fn main() {
    let limiter = Limiter::new(3, Duration::from_millis(200));
    let start = Instant::now();
    for request in 1..=6 {
        limiter.wait();
        println!("request {request} at {:.2}s", start.elapsed().as_secs_f64());
    }
}
