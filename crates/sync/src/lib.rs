//! Go's `sync` package, in Rust (course section 5.6).
//!
//! Each module is one step of the lesson: run it with `cargo xtask run sync <step>`.
//! [`WaitGroup`] and [`Semaphore`] are reusable.

pub mod semaphore;
mod shim;
pub mod waitgroup;

pub use semaphore::{Permit, Semaphore};
pub use waitgroup::WaitGroup;

use chanlab_common::{Lesson, Step};

/// The lesson's steps, in teaching order.
pub const LESSON: Lesson = Lesson {
    name: "sync",
    summary: "locks, a Go-semantics WaitGroup, Once, atomics, Cond, Semaphore and the monitor",
    default: None,
    steps: &[
        Step::new(
            "waitgroup",
            "5.6",
            "wait for N threads: a Go WaitGroup, and crossbeam's drop-based one",
            waitgroup::run,
        ),
        Step::new(
            "semaphore",
            "5.6",
            "at most n threads at once; the permit leaves on drop",
            semaphore::run,
        ),
    ],
};
