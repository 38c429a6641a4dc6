//! `cargo xtask loom`: model-checks the primitives with loom. (Placeholder until issue 3 lands.)

use crate::{Error, Result};

/// Runs the command.
pub fn run(_args: &[String]) -> Result {
    Err(Error::Failed(
        "`cargo xtask loom` is not built yet (issue 3)".into(),
    ))
}

/// The part of `cargo xtask test` this command owns.
pub fn short() -> Result {
    Ok(())
}
