//! `cargo xtask bench`: Rust and Go side by side. (Placeholder until issue 9 lands.)

use crate::{Error, Result};

/// Runs the command.
pub fn run(_args: &[String]) -> Result {
    Err(Error::Failed(
        "`cargo xtask bench` is not built yet (issue 9)".into(),
    ))
}
