//! `cargo xtask lab`: the course labs. (Placeholder until issue 7 lands.)

use crate::{Error, Result};

/// Runs the command.
pub fn run(_args: &[String]) -> Result {
    Err(Error::Failed(
        "`cargo xtask lab` is not built yet (issue 7)".into(),
    ))
}

/// The part of `cargo xtask test` this command owns.
pub fn verify() -> Result {
    Ok(())
}
