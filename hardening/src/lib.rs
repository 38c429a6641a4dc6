//! chanlab's hardening suite: what the lessons' code does under load, slow and malformed clients,
//! faulty servers and many copies of itself at once — measured, with nothing lost.
//!
//! The suite is the tests in `hardening/tests/`, one file per concern (load, slow clients,
//! malformed input, faults, stress). `cargo xtask test` runs them in their short form and
//! `cargo xtask soak` in full; each case prints its figures. This library is what those tests
//! share: the [`Scale`] that sizes them, the [`Figures`] they print, a load generator
//! ([`load`]), the process's memory and threads ([`process`]), and the masks that make step
//! transcripts comparable ([`mask`]).
//!
//! # Sizing a case
//!
//! A case picks its sizes with [`Scale::pick`]: small enough for every test run, or large enough
//! for a release check when `CHANLAB_SOAK=1` is set (as `cargo xtask soak` does).
//!
//! ```
//! use chanlab_hardening::Scale;
//!
//! let requests = Scale::Short.pick(20_000, 100_000);
//! assert_eq!(requests, 20_000);
//! assert_eq!(Scale::Soak.pick(20_000, 100_000), 100_000);
//! ```
//!
//! # Printing figures
//!
//! Every case ends by printing what it measured, one figure a line, whether or not it passed:
//!
//! ```
//! use chanlab_hardening::Figures;
//!
//! let mut figures = Figures::new("load: keep-alive connections");
//! figures.add("requests served", 100_412);
//! figures.add("errors", 0);
//! assert!(figures.to_string().contains("requests served"));
//! figures.print();
//! ```
//!
//! # Comparing transcripts
//!
//! A step's lines carry timings that change from run to run; [`mask::durations`] hides them, so
//! two runs of a deterministic step read the same:
//!
//! ```
//! use chanlab_hardening::mask;
//!
//! assert_eq!(
//!     mask::durations("all three in 3.0s: the slowest, not the 6s sum"),
//!     "all three in <t>: the slowest, not the <t> sum"
//! );
//! ```

pub mod load;
pub mod mask;
pub mod process;

use std::fmt;

/// The environment variable that selects the full-size suite (`cargo xtask soak` sets it to 1).
pub const SOAK_VAR: &str = "CHANLAB_SOAK";

/// How big the cases are: short for every test run, full for release checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Sizes that keep the whole suite within a few minutes on two cores.
    Short,
    /// The sizes the issue asks for, and longer runs: `cargo xtask soak`.
    Soak,
}

impl Scale {
    /// [`Scale::Soak`] when `CHANLAB_SOAK` is `1`, else [`Scale::Short`].
    pub fn from_env() -> Scale {
        match std::env::var(SOAK_VAR) {
            Ok(value) if value == "1" => Scale::Soak,
            _ => Scale::Short,
        }
    }

    /// `short` or `soak`, by scale.
    pub fn pick<T>(self, short: T, soak: T) -> T {
        match self {
            Scale::Short => short,
            Scale::Soak => soak,
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scale::Short => "short",
            Scale::Soak => "soak",
        })
    }
}

/// What one case measured, as `name: value` lines under a title.
#[derive(Clone, Debug)]
pub struct Figures {
    title: String,
    rows: Vec<(String, String)>,
}

impl Figures {
    /// No figures yet, under `title`.
    pub fn new(title: impl Into<String>) -> Figures {
        Figures {
            title: title.into(),
            rows: Vec::new(),
        }
    }

    /// Adds one figure.
    pub fn add(&mut self, name: impl Into<String>, value: impl fmt::Display) -> &mut Figures {
        self.rows.push((name.into(), value.to_string()));
        self
    }

    /// Prints the figures to stdout in one write, so that cases running side by side do not
    /// interleave their lines; on a line of their own, after whatever the test harness printed.
    pub fn print(&self) {
        print!("\n{self}");
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        writeln!(f, "== {} [{}]", self.title, Scale::from_env())?;
        for (name, value) in &self.rows {
            writeln!(f, "   {name:<width$}  {value}")?;
        }
        Ok(())
    }
}

/// `bytes` in MiB with one decimal, for printing.
///
/// ```
/// assert_eq!(chanlab_hardening::mib(3 * 1024 * 1024 / 2), "1.5 MiB");
/// ```
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The README's Rust example, compiled and run as a doctest so it cannot drift from the API.
/// It lives here, outside the published crates, because a crate may include nothing from outside
/// its own folder.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExample;
