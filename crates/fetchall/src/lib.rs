//! The concurrent fetcher, in Rust (course section 5.2).
//!
//! The course's `fetchall` starts a goroutine per URL and receives one line per fetch from a
//! channel, in the order they finish, so the whole run takes about as long as the slowest fetch.
//! Here each fetch is a thread, the channel is crossbeam's, and the HTTP client is `ureq`.
//!
//! # Hello, world
//!
//! ```
//! use chanlab_fetchall::concurrent::{Options, fetch_all};
//!
//! let urls = vec!["http://127.0.0.1:1/".to_string()]; // nothing listens on port 1
//! for outcome in fetch_all(urls, &Options::default()) {
//!     println!("{}", outcome.map_or_else(|failure| failure.to_string(), |ok| ok.to_string()));
//! }
//! ```
//!
//! # One fetch
//!
//! [`fetch`](fetch::fetch) times a GET and counts the body as it streams, without keeping it;
//! every failure is a [`FetchError`](fetch::FetchError) saying precisely what went wrong.
//!
//! ```
//! use chanlab_fetchall::fetch::{FetchError, fetch};
//!
//! let agent = ureq::Agent::new_with_defaults();
//! assert!(matches!(fetch(&agent, "example.org"), Err(FetchError::InvalidUrl(_))));
//! ```
//!
//! # Many at once, a few at a time
//!
//! [`fetch_all`](concurrent::fetch_all) limits how many fetches are in flight with a buffered
//! channel used as a semaphore, the Go idiom, and shares one connection pool among them.
//!
//! The binary is the course's program: `fetchall URL...`, or `cargo xtask run fetchall URL...`
//! (options `--timeout 2s`, `--concurrency 8`); with no URLs it fetches pages of a server it
//! starts itself, so it runs offline.

pub mod concurrent;
#[cfg(feature = "lesson")]
pub mod demo;
pub mod duration;
#[cfg(feature = "lesson")]
pub mod errors;
pub mod faults;
pub mod fetch;
#[cfg(feature = "lesson")]
pub mod sequential;

#[cfg(feature = "lesson")]
use chanlab_common::{Lesson, Step};

/// The lesson's steps, in teaching order.
#[cfg(feature = "lesson")]
pub const LESSON: Lesson = Lesson {
    name: "fetchall",
    summary: "fetch many URLs at once: a thread per URL, results as they finish",
    default: Some("concurrent"),
    steps: &[
        Step::new(
            "concurrent",
            "5.2",
            "fetch every URL at once; total ≈ the slowest",
            concurrent::run,
        )
        .takes("[--timeout D] [--concurrency N] [URL...]"),
        Step::new(
            "sequential",
            "5.2",
            "the same fetches one by one; total = the sum",
            sequential::run,
        )
        .takes("[--timeout D] [--concurrency N] [URL...]"),
        Step::new(
            "errors",
            "5.2",
            "every kind of bad URL gets its own line",
            errors::run,
        ),
    ],
};
