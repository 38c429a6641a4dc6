//! The thin core every chanlab lesson shares.
//!
//! A *lesson* is a crate, described by a [`Lesson`]; a *step* is one runnable demonstration in
//! it, described by a [`Step`]. A step writes through its [`Cx`] instead of `println!`, and sleeps
//! through it instead of `thread::sleep`, so that the same code prints stamped lines on a terminal,
//! is captured as a [`Transcript`] in tests, and runs a hundred times faster at a test's pace.
//!
//! ```
//! use chanlab_common::{Cx, Step};
//! use std::time::Duration;
//!
//! fn hello(cx: &Cx) -> anyhow::Result<()> {
//!     cx.sleep(Duration::from_secs(1)); // 10 ms at pace 0.01
//!     cx.say("hello, world");
//!     Ok(())
//! }
//!
//! const HELLO: Step = Step::new("hello", "5.1", "the smallest step", hello);
//!
//! let cx = Cx::capture(0.01);
//! (HELLO.run)(&cx).unwrap();
//! assert_eq!(cx.transcript().lines(), ["hello, world"]);
//! ```
//!
//! Every lesson binary is a one-line `main` that hands its [`Lesson`] to [`runner::main`].
//! [`testing`] has what the lesson tests share: a deadline instead of a hang, and a check that a
//! step leaves no thread behind. [`timeline`] draws what a step said as one lane per thread,
//! which the runner prints after a step run with `--timeline`.

mod cx;
pub mod runner;
pub mod testing;
pub mod timeline;

pub use cx::{Cx, Event, Pace, Seconds, Transcript};

/// The guard of a lock, even one a panicking thread left poisoned: the data behind chanlab's
/// own locks (lines said, threads counted) stays valid whatever panicked.
fn unpoisoned<G>(lock: std::sync::LockResult<G>) -> G {
    lock.unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One runnable demonstration inside a lesson.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    /// The name given on the command line, after the Go idea the step shows (`unbuffered`).
    pub name: &'static str,
    /// The section of the course chapter the step follows, such as `"5.3"`.
    pub section: &'static str,
    /// One line saying what the step shows.
    pub summary: &'static str,
    /// Runs the step.
    pub run: fn(&Cx) -> anyhow::Result<()>,
    /// Whether the step runs until interrupted (a server); the tour skips such steps.
    pub endless: bool,
    /// The arguments the step takes, as usage (`[THREADS]`); `None` when it takes none, and the
    /// runner refuses any.
    pub takes: Option<&'static str>,
}

impl Step {
    /// A step that ends by itself.
    pub const fn new(
        name: &'static str,
        section: &'static str,
        summary: &'static str,
        run: fn(&Cx) -> anyhow::Result<()>,
    ) -> Step {
        Step {
            name,
            section,
            summary,
            run,
            endless: false,
            takes: None,
        }
    }

    /// Marks a step that runs until interrupted, so the tour leaves it out.
    pub const fn endless(self) -> Step {
        Step {
            endless: true,
            ..self
        }
    }

    /// Declares the arguments the step reads from [`Cx::args`], as usage (`"[THREADS]"`), so
    /// the runner passes them on instead of refusing them.
    pub const fn takes(self, usage: &'static str) -> Step {
        Step {
            takes: Some(usage),
            ..self
        }
    }
}

/// A lesson: one crate of the course and its steps, in teaching order.
#[derive(Clone, Copy, Debug)]
pub struct Lesson {
    /// The lesson's name, which is also its crate's name without `chanlab-`.
    pub name: &'static str,
    /// One line saying what the lesson teaches.
    pub summary: &'static str,
    /// The steps, in the order the lesson teaches them.
    pub steps: &'static [Step],
    /// The step to run when none is named; `None` runs every step in order.
    pub default: Option<&'static str>,
}

impl Lesson {
    /// The step called `name`, if there is one.
    pub fn step(&self, name: &str) -> Option<&'static Step> {
        self.steps.iter().find(|step| step.name == name)
    }
}

/// An error that ends a lesson binary with a chosen exit status.
///
/// A step returns it (through `anyhow`) when the status matters to the caller: `2` for bad usage,
/// `1` for a run whose failures were already reported line by line.
#[derive(Debug)]
pub struct Exit {
    /// The process exit status.
    pub code: u8,
    /// What to print on standard error; empty when everything was already said.
    pub message: String,
}

impl Exit {
    /// Bad usage: exit status 2.
    pub fn usage(message: impl Into<String>) -> Exit {
        Exit {
            code: 2,
            message: message.into(),
        }
    }

    /// A failure already reported: exit status 1 with nothing more to print.
    pub fn failed() -> Exit {
        Exit {
            code: 1,
            message: String::new(),
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            write!(f, "exit status {}", self.code)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for Exit {}
