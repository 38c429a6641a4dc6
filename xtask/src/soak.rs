//! `cargo xtask soak`: the full hardening suite. (Placeholder until issue 10 lands.)

use crate::{Error, Result};

/// Runs the command.
pub fn run(_args: &[String]) -> Result {
    Err(Error::Failed(
        "`cargo xtask soak` is not built yet (issue 10)".into(),
    ))
}

/// The part of `cargo xtask test` this command owns.
pub fn short() -> Result {
    Ok(())
}
