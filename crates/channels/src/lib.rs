//! Goroutines and channels, in Rust (course sections 5.1–5.3).
//!
//! Go's `go f()` starts a goroutine; here it starts an operating-system thread. Go's channels
//! are crossbeam's: [`bounded(0)`](crossbeam_channel::bounded) is Go's unbuffered
//! `make(chan T)`, `bounded(n)` is `make(chan T, n)`.
//!
//! # Hello, world
//!
//! ```
//! use crossbeam_channel::bounded;
//! use std::thread;
//!
//! let (tx, rx) = bounded(0); // make(chan string)
//! thread::spawn(move || tx.send("hello, world").unwrap()); // go func() { ch <- "hello, world" }()
//! assert_eq!(rx.recv(), Ok("hello, world")); // <-ch
//! ```
//!
//! # Unbuffered: a rendezvous
//!
//! A send on an unbuffered channel returns only once a receiver has taken the value, so the two
//! threads meet. [`unbuffered`] shows it and times a round trip.
//!
//! ```
//! use crossbeam_channel::bounded;
//!
//! let (tx, rx) = bounded::<i32>(0);
//! assert!(tx.try_send(1).is_err()); // no receiver waiting: a send would block
//! # drop(rx);
//! ```
//!
//! # Buffered: a queue
//!
//! ```
//! use crossbeam_channel::bounded;
//!
//! let (tx, rx) = bounded(2);
//! tx.send(1).unwrap();
//! tx.send(2).unwrap(); // both fit: no receiver needed
//! assert!(tx.is_full());
//! assert_eq!((rx.recv(), rx.recv()), (Ok(1), Ok(2)));
//! ```
//!
//! # Close and range
//!
//! Dropping the last `Sender` closes the channel. Receivers still get what was sent, then
//! `recv` returns an error, which is how `for v in &rx` knows to stop.
//!
//! ```
//! use crossbeam_channel::bounded;
//!
//! let (tx, rx) = bounded(3);
//! for n in 1..=3 {
//!     tx.send(n).unwrap();
//! }
//! drop(tx); // close(ch)
//! assert_eq!(rx.iter().sum::<i32>(), 6); // for v := range ch
//! assert!(rx.recv().is_err()); // v, ok := <-ch: ok is false
//! ```
//!
//! Where Go panics on a send to a closed channel, Rust's `send` fails once every `Receiver` is
//! gone, and hands the value back:
//!
//! ```
//! let (tx, rx) = crossbeam_channel::bounded(1);
//! drop(rx);
//! assert_eq!(tx.send("kept").unwrap_err().into_inner(), "kept");
//! ```
//!
//! Each module below is one step of the lesson: run it with `cargo xtask run channels <step>`,
//! except [`limits`], the building block the `goroutines` step found it needed: how many more
//! threads this process can start, and which limit stops it first.

#[cfg(feature = "lesson")]
pub mod buffered;
#[cfg(feature = "lesson")]
pub mod close;
#[cfg(feature = "lesson")]
pub mod deadlock;
#[cfg(feature = "lesson")]
pub mod directions;
#[cfg(feature = "lesson")]
pub mod done;
#[cfg(feature = "lesson")]
pub mod goroutines;
#[cfg(feature = "lesson")]
pub mod handoff;
#[cfg(feature = "lesson")]
pub mod leak;
pub mod limits;
#[cfg(feature = "lesson")]
pub mod race;
#[cfg(feature = "lesson")]
pub mod range;
#[cfg(feature = "lesson")]
pub mod unbuffered;

#[cfg(feature = "lesson")]
use chanlab_common::{Lesson, Step};

/// The lesson's steps, in teaching order.
#[cfg(feature = "lesson")]
pub const LESSON: Lesson = Lesson {
    name: "channels",
    summary: "goroutines are threads; channels carry values between them",
    default: None,
    steps: &[
        Step::new(
            "goroutines",
            "5.2",
            "spawn, join, scoped threads; 10,000 threads timed",
            goroutines::run,
        )
        .takes("[THREADS]"),
        Step::new(
            "unbuffered",
            "5.3",
            "an unbuffered channel is a rendezvous",
            unbuffered::run,
        ),
        Step::new(
            "handoff",
            "5.3",
            "why a hand-off between threads costs microseconds; spinning; Go's way",
            handoff::run,
        ),
        Step::new(
            "buffered",
            "5.3",
            "a buffered channel is a queue; full blocks",
            buffered::run,
        ),
        Step::new(
            "directions",
            "5.3",
            "Sender and Receiver are the directions",
            directions::run,
        ),
        Step::new(
            "close",
            "5.3",
            "close is drop; recv says closed; send after close fails",
            close::run,
        ),
        Step::new(
            "range",
            "5.3",
            "for v in &rx ends at close; a forgotten Sender hangs it",
            range::run,
        ),
        Step::new("done", "5.2", "wait for threads by channel", done::run),
        Step::new(
            "leak",
            "5.10",
            "a dropped Receiver frees blocked senders; a forgotten Sender leaks",
            leak::run,
        ),
        Step::new(
            "deadlock",
            "5.10",
            "threads waiting for each other, caught by a timeout",
            deadlock::run,
        ),
        Step::new(
            "race",
            "5.10",
            "a lost update: load then store is not one step",
            race::run,
        ),
    ],
};
