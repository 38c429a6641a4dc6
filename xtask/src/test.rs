//! `cargo xtask test [<lesson>]`: the one test command. With no lesson: formatting, clippy with
//! warnings denied, and every test of the workspace including doctests. With a lesson: only that
//! crate's tests.

use crate::cargo::{LESSONS, cargo, lesson, stage};
use crate::{Error, Result};

/// Runs the suite, stopping at the first failing stage.
pub fn run(args: &[String]) -> Result {
    match args {
        [] => {
            stage("rustfmt", &mut cargo(["fmt", "--all", "--", "--check"]))?;
            stage(
                "clippy",
                &mut cargo([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--quiet",
                    "--",
                    "-D",
                    "warnings",
                ]),
            )?;
            // A dependent with `default-features = false` gets each lesson crate's building
            // blocks without the `lesson` feature: they must build, and stay clippy-clean, alone.
            stage(
                "clippy, building blocks alone (--no-default-features)",
                cargo(["clippy", "--lib", "--no-default-features", "--quiet"])
                    .args(LESSONS.iter().map(|l| format!("--package=chanlab-{l}")))
                    .args(["--", "-D", "warnings"]),
            )?;
            // Every library crate packages as crates.io would get it: nothing from outside its
            // folder, its metadata complete, its path dependencies versioned.
            stage(
                "package",
                cargo([
                    "package",
                    "--offline",
                    "--no-verify",
                    "--allow-dirty",
                    "--quiet",
                    "--package=chanlab-common",
                ])
                .args(LESSONS.iter().map(|l| format!("--package=chanlab-{l}"))),
            )?;
            // The hardening suite runs in its own stage below (soak::short), showing its figures.
            stage(
                "tests",
                &mut cargo([
                    "test",
                    "--workspace",
                    "--quiet",
                    "--exclude",
                    "chanlab-hardening",
                ]),
            )?;
            // Each later stage belongs to the command that owns it.
            crate::loom::short()?;
            crate::lab::verify()?;
            crate::docs::check()?;
            crate::soak::short()
        }
        [name] => {
            let lesson = lesson(name)?;
            stage(
                lesson,
                cargo(["test", "--quiet", "--package"]).arg(format!("chanlab-{lesson}")),
            )
        }
        _ => Err(Error::Usage("test takes at most one lesson".into())),
    }
}
