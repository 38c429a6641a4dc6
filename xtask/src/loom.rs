//! `cargo xtask loom`: model-checks the concurrency primitives with loom.
//!
//! Under `--cfg chanlab_loom` a primitive's locks come from loom (chanlab-sync's `shim` module),
//! and its library unit tests are loom models: they run a few threads through every interleaving loom
//! finds, up to `LOOM_MAX_PREEMPTIONS` preemptions per run. The models build in release, as loom
//! advises, in their own target directory, so switching the cfg on and off never invalidates the
//! normal build. `LOOM_MAX_PREEMPTIONS` set in the environment overrides the defaults below.

use crate::cargo::{cargo, stage};
use crate::{Error, Result};
use std::process::Command;

/// The packages whose library unit tests are loom models under `--cfg chanlab_loom`.
const PACKAGES: &[&str] = &["chanlab-sync", "chanlab-patterns"];

/// Preemptions per run for `cargo xtask loom`.
const FULL_PREEMPTIONS: &str = "3";

/// Preemptions per run in `cargo xtask test`: quick, and still deep enough to catch a wait that
/// misses the last wake-up (that takes two).
const SHORT_PREEMPTIONS: &str = "2";

/// Where the `--cfg chanlab_loom` build goes, relative to the workspace root.
const TARGET_DIR: &str = "target/loom";

/// Runs every loom model with the full preemption bound.
pub fn run(args: &[String]) -> Result {
    if !args.is_empty() {
        return Err(Error::Usage("loom takes no arguments".into()));
    }
    let preemptions = preemptions(FULL_PREEMPTIONS);
    stage(
        &format!("loom, {preemptions} preemptions"),
        &mut models(&preemptions),
    )
}

/// The part of `cargo xtask test` this command owns: the models with a smaller bound.
pub fn short() -> Result {
    let preemptions = preemptions(SHORT_PREEMPTIONS);
    stage(
        &format!("loom (short), {preemptions} preemptions"),
        models(&preemptions).arg("--quiet"),
    )
}

/// The preemption bound: the environment's `LOOM_MAX_PREEMPTIONS`, else `default`.
fn preemptions(default: &str) -> String {
    std::env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| default.to_owned())
}

/// `cargo test --lib` of every package with models, built with `--cfg chanlab_loom`.
fn models(preemptions: &str) -> Command {
    // The cfg is chanlab's own, as crossbeam's is `crossbeam_loom`: it reaches every dependency
    // but changes none of them, and a dependent's own `--cfg loom` never reaches our locks.
    let rustflags = match std::env::var("RUSTFLAGS") {
        Ok(flags) if !flags.trim().is_empty() => format!("{flags} --cfg chanlab_loom"),
        _ => "--cfg chanlab_loom".to_owned(),
    };
    let mut command = cargo(["test", "--release", "--lib", "--target-dir", TARGET_DIR]);
    for package in PACKAGES {
        command.args(["--package", package]);
    }
    command
        // Cargo prefers the encoded form when both are set.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("RUSTFLAGS", rustflags)
        .env("LOOM_MAX_PREEMPTIONS", preemptions);
    command
}
