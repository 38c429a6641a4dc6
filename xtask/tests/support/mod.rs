//! What the xtask integration tests share: running xtask as a user would, with a deadline.

use std::process::{Command, Output};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Runs xtask with `args`, failing the test instead of hanging if it takes longer than 15
/// minutes (the first run of some commands builds crates in release).
pub fn xtask(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args);
    output_within(command)
}

/// Runs `command` (xtask, set up by the caller) under the same 15-minute deadline.
#[allow(dead_code)] // not every test file needs it
pub fn output_within(mut command: Command) -> Output {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(command.output().expect("xtask starts")));
    rx.recv_timeout(Duration::from_secs(900))
        .expect("xtask finished within 15 minutes")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
