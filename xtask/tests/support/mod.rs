//! What the xtask integration tests share: running xtask as a user would, with a deadline.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::Duration;

/// Runs xtask with `args`, failing the test instead of hanging if it takes longer than 15
/// minutes (the first run of some commands builds crates in release).
#[allow(dead_code)] // not every test file needs it
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

/// A copy of the course's `labs/` in `target/tmp/lab-copy/labs`, for tests that edit lab files,
/// with no lab done yet. It keeps its own build output between runs (a copy must not share the
/// course's: cargo would take one for the other), so only the first run builds the labs'
/// dependencies. Test binaries run one after another; within one, a copy is the holder's until
/// dropped.
#[allow(dead_code)] // not every test file needs it
pub struct LabsCopy {
    pub dir: PathBuf,
    _turn: MutexGuard<'static, ()>,
}

static TURN: Mutex<()> = Mutex::new(());

#[allow(dead_code)]
impl LabsCopy {
    pub fn new() -> LabsCopy {
        let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let from = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../labs"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lab-copy/labs");
        copy_tree(from, &dir);
        let _ = std::fs::remove_file(dir.join("target/lab-status"));
        let _ = std::fs::remove_file(dir.join("target/lab-failures"));
        LabsCopy { dir, _turn: turn }
    }

    /// Writes `text` to `path` (relative to the copy).
    pub fn write(&self, path: &str, text: &str) {
        std::fs::write(self.dir.join(path), text).expect("write into the copy");
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.join(path)).expect("read from the copy")
    }

    /// `cargo xtask lab <args>` on the copy, to run as the caller likes.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .arg("lab")
            .args(args)
            .env("CHANLAB_LABS_DIR", &self.dir)
            .env_remove("CARGO_TARGET_DIR");
        command
    }

    /// Runs `cargo xtask lab <args>` on the copy.
    pub fn lab(&self, args: &[&str]) -> Output {
        output_within(self.command(args))
    }
}

/// Copies the files under `from` over those under `to`, leaving out build output.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the labs").flatten() {
        let (name, kind) = (entry.file_name(), entry.file_type().expect("a file type"));
        if name == "target" {
            continue;
        }
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).expect("copy a lab file");
        }
    }
}
