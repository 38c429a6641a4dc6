// Mistake: a leak. The refill thread ignores that the limiter is gone and ticks on for ever.

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
        // A new limiter starts with a full bucket: a burst may go at once.
        while bucket.try_send(()).is_ok() {}
        thread::spawn(move || {
            for _ in tick(interval) {
                // Full: the turn is lost, as it should be.
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
