//! Running cargo, and what the commands share: the workspace root and the lessons in it.

use crate::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The lessons in tour order. A lesson is listed here once its crate exists in `crates/`.
const TOUR: &[&str] = &[
    "channels", "select", "sync", "patterns", "fetchall", "server",
];

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_owned()
}

/// The lessons whose crates exist, in tour order.
pub fn lessons() -> Vec<&'static str> {
    TOUR.iter()
        .copied()
        .filter(|l| root().join("crates").join(l).join("Cargo.toml").exists())
        .collect()
}

/// `name` if it is a lesson, else a usage error listing the lessons.
pub fn lesson(name: &str) -> Result<&'static str> {
    let lessons = lessons();
    lessons.iter().copied().find(|l| *l == name).ok_or_else(|| {
        Error::Usage(chanlab_common::runner::unknown(
            "lesson", name, "chanlab", &lessons,
        ))
    })
}

/// A `cargo` command run from the workspace root, with the cargo that runs xtask.
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root()).args(args);
    command
}

/// Runs `command`, echoing it first; a failure passes its exit status on.
pub fn status(command: &mut Command) -> Result {
    let status = command
        .status()
        .map_err(|e| Error::Failed(format!("could not start {:?}: {e}", command.get_program())))?;
    if status.success() {
        Ok(())
    } else {
        // A signal leaves no code; report it as a plain failure.
        Err(Error::Status(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ))
    }
}
