//! `cargo xtask docs`: builds the book. (Placeholder until issue 8 lands.)

use crate::{Error, Result};

/// Runs the command.
pub fn run(_args: &[String]) -> Result {
    Err(Error::Failed(
        "`cargo xtask docs` is not built yet (issue 8)".into(),
    ))
}

/// The part of `cargo xtask test` this command owns.
pub fn check() -> Result {
    Ok(())
}
