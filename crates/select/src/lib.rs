//! Go's `select`, in Rust (course section 5.5).
//!
//! crossbeam's [`select!`](crossbeam_channel::select) waits on several channel operations and
//! runs the first that can go ahead; `default` makes it non-blocking, `after(d)` gives it a
//! deadline, and [`Select`](crossbeam_channel::Select) builds one at run time.
//!
//! # Hello, world
//!
//! ```
//! use crossbeam_channel::{bounded, select};
//!
//! let (tx, rx) = bounded(1);
//! tx.send("hello, world").unwrap();
//! select! {
//!     recv(rx) -> msg => assert_eq!(msg, Ok("hello, world")),
//! }
//! ```
//!
//! # Whichever is ready first
//!
//! ```
//! use crossbeam_channel::{after, bounded, select};
//! use std::time::Duration;
//!
//! let (_tx, slow) = bounded::<&str>(0); // nobody will send
//! let winner = select! {
//!     recv(slow) -> _ => "slow",
//!     recv(after(Duration::from_millis(10))) -> _ => "timeout", // Go: <-time.After(d)
//! };
//! assert_eq!(winner, "timeout");
//! ```
//!
//! # Non-blocking
//!
//! ```
//! use crossbeam_channel::{bounded, select};
//!
//! let (tx, rx) = bounded::<i32>(0);
//! let got = select! {
//!     recv(rx) -> v => v.ok(),
//!     default => None, // nothing ready: do not wait
//! };
//! assert_eq!(got, None);
//! # drop(tx);
//! ```
//!
//! # Closed channels are always ready
//!
//! A disconnected channel's arm fires every time, with an error; replace it with `never()`, Go's
//! nil channel, to switch it off. See [`nil`].
//!
//! ```
//! use crossbeam_channel::{bounded, never, select};
//!
//! let (tx, mut rx) = bounded::<i32>(0);
//! drop(tx);
//! select! { recv(rx) -> v => assert!(v.is_err()) } // closed: ready at once
//! rx = never();
//! select! {
//!     recv(rx) -> _ => unreachable!(),
//!     default => {} // never() is never ready
//! }
//! ```
//!
//! Each module below is one step of the lesson: run it with `cargo xtask run select <step>`.

#[cfg(feature = "lesson")]
pub mod basic;
pub mod dynamic;
#[cfg(feature = "lesson")]
pub mod nil;
#[cfg(feature = "lesson")]
pub mod non_blocking;
#[cfg(feature = "lesson")]
pub mod tickers;
#[cfg(feature = "lesson")]
pub mod timeout;
pub mod timers;

#[cfg(feature = "lesson")]
use chanlab_common::{Lesson, Step};

/// The lesson's steps, in teaching order.
#[cfg(feature = "lesson")]
pub const LESSON: Lesson = Lesson {
    name: "select",
    summary: "wait on several channels at once: timeouts, non-blocking, timers, tickers",
    default: None,
    steps: &[
        Step::new(
            "basic",
            "5.5",
            "two producers of 1s and 2s finish in 2s, not 3",
            basic::run,
        ),
        Step::new(
            "timeout",
            "5.5",
            "a deadline as a select arm: after, default(d), recv_timeout",
            timeout::run,
        ),
        Step::new(
            "non_blocking",
            "5.5",
            "try_recv, try_send and select with default",
            non_blocking::run,
        ),
        Step::new(
            "timers",
            "5.5",
            "a one-shot timer, stopped before it fires",
            timers::run,
        ),
        Step::new(
            "tickers",
            "5.5",
            "tick every second until done closes",
            tickers::run,
        ),
        Step::new(
            "dynamic",
            "5.5",
            "Select over a run-time list of channels",
            dynamic::run,
        ),
        Step::new(
            "nil",
            "5.5",
            "a closed channel is always ready; never() turns the arm off",
            nil::run,
        ),
    ],
};
