//! `cargo xtask list`: every lesson and step, with its one-line summary and course section.

use crate::cargo::{LESSONS, cargo, status};
use crate::{Error, Result};

/// Builds every lesson binary once, then asks each for its steps.
pub fn run(args: &[String]) -> Result {
    if let Some(extra) = args.first() {
        return Err(Error::Usage(format!(
            "list takes no arguments, not {extra:?}"
        )));
    }
    let lessons = LESSONS;
    let packages: Vec<String> = lessons
        .iter()
        .map(|l| format!("--package=chanlab-{l}"))
        .collect();
    status(cargo(["build", "--quiet", "--bins"]).args(&packages))?;
    for (i, lesson) in lessons.iter().enumerate() {
        if i > 0 {
            println!();
        }
        status(
            cargo(["run", "--quiet", "--package"])
                .arg(format!("chanlab-{lesson}"))
                .args(["--", "--list"]),
        )?;
    }
    println!("\nrun one with: cargo xtask run <lesson> [<step>]");
    Ok(())
}
