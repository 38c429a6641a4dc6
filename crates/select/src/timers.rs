//! A timer fires once; a [`Timer`] can also be stopped or reset before it fires (section 5.5).
//!
//! crossbeam's `after(d)` and `at(t)` are Go's `time.After`: channels that deliver one message
//! when the time comes. They need no thread: the time is checked when the channel is polled, so a
//! dropped timer costs nothing and leaks nothing.

use crossbeam_channel::{Receiver, at, never};
use std::time::{Duration, Instant};
#[cfg(feature = "lesson")]
use {chanlab_common::Cx, crossbeam_channel::after, crossbeam_channel::select};

// ANCHOR: timer
/// Go's `time.Timer`: a channel that delivers the time once, unless stopped first.
///
/// ```
/// use chanlab_select::timers::Timer;
/// use std::time::Duration;
///
/// let mut timer = Timer::new(Duration::from_secs(60));
/// assert!(timer.stop()); // stopped before it fired
/// assert!(timer.channel().recv_timeout(Duration::from_millis(10)).is_err()); // and never fires
/// ```
#[derive(Debug)]
pub struct Timer {
    deadline: Option<Instant>,
    fire: Receiver<Instant>,
}

impl Timer {
    /// A timer that fires `d` from now.
    pub fn new(d: Duration) -> Timer {
        let deadline = Instant::now() + d;
        Timer {
            deadline: Some(deadline),
            fire: at(deadline),
        }
    }

    /// The channel the timer fires on: use it in `select!`.
    pub fn channel(&self) -> &Receiver<Instant> {
        &self.fire
    }

    /// Stops the timer; returns `true` if this stopped it before it fired, like Go's `Stop`.
    pub fn stop(&mut self) -> bool {
        let pending = self
            .deadline
            .is_some_and(|deadline| Instant::now() < deadline);
        self.deadline = None;
        self.fire = never(); // a stopped timer's channel never delivers
        pending
    }

    /// Restarts the timer to fire `d` from now; returns `true` if it had not fired yet.
    pub fn reset(&mut self, d: Duration) -> bool {
        let pending = self.stop();
        *self = Timer::new(d);
        pending
    }
}
// ANCHOR_END: timer

/// One timer fires; a second is stopped before it can.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let timer1 = Timer::new(cx.scaled(Duration::from_secs(2)));
    timer1.channel().recv()?;
    cx.say(format!("Timer 1 fired at {:.1}", cx.secs_since_start()));

    // ANCHOR: stop
    let mut timer2 = Timer::new(cx.scaled(Duration::from_secs(1)));
    if timer2.stop() {
        cx.say("Timer 2 stopped before it fired");
    }
    // ANCHOR_END: stop
    select! {
        recv(timer2.channel()) -> _ => cx.say("Timer 2 fired after all (a bug)"),
        recv(after(cx.scaled(Duration::from_secs(2)))) -> _ => cx.say(format!(
            "{} later Timer 2 has still not fired: stop is final",
            cx.secs(Duration::from_secs(2))
        )),
    }
    Ok(())
}
