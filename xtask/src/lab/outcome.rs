//! Running a lab's test binary (its tests, or its loom model) and reading what libtest says: one
//! test at a time (`--test-threads=1`: several labs measure time or count threads), under a
//! watchdog, so that no lab can hang the checker.

use super::labs_dir;
use crate::cargo::wait_within;
use crate::{Error, Result};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

/// How long one lab's tests may run before the checker stops them. Each test has its own
/// deadline, far shorter; this only guards against code that defeats them.
const WATCHDOG: Duration = Duration::from_secs(120);

/// What running a lab's tests gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    DoesNotCompile,
    TimedOut,
}

impl Outcome {
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::DoesNotCompile => "does not compile",
            Outcome::TimedOut => "timed out",
        }
    }

    pub fn json(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::DoesNotCompile => "does_not_compile",
            Outcome::TimedOut => "timed_out",
        }
    }
}

/// Counts from a test binary's output.
#[derive(Debug, Default, Clone)]
pub struct Tests {
    pub passed: usize,
    pub failed: usize,
    pub failed_names: Vec<String>,
    /// Whether libtest's closing `test result: ...` line came.
    pub finished: bool,
    /// The tests passed by that line, when it says `ok`.
    summary_passed: Option<usize>,
    /// The first line of each failed test's panic message, in order.
    pub messages: Vec<String>,
}

impl Tests {
    /// Whether the run got to its end with at least one test passed and none failed: a process
    /// that ended early (exited from inside a test) or ran no test has not passed.
    pub fn ran_to_the_end(&self) -> bool {
        self.finished
            && self.failed == 0
            && self.passed > 0
            && self.summary_passed == Some(self.passed)
    }
}

/// How a test run's output is handled while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Passed on to stdout as it comes: each test's name as it starts, its result as it ends.
    Live,
    /// A mark on stderr as each test ends: `.` passed, `F` failed.
    Marks,
    /// Only read.
    Captured,
}

/// Runs a lab's test binary, one test at a time, under the watchdog, and summarises its output.
pub fn run_tests(binary: &Path, show: Show) -> Result<(Outcome, Tests)> {
    let mut command = Command::new(binary);
    command
        .args(["--test-threads=1"])
        .current_dir(labs_dir())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    if show != Show::Live {
        command.stderr(Stdio::null());
    }
    let failed = |e: std::io::Error| Error::Failed(format!("{}: {e}", binary.display()));
    let mut child = command.spawn().map_err(failed)?;
    let reader = child.stdout.take().map(|mut stdout| {
        thread::spawn(move || {
            let mut output = Vec::new();
            let mut buffer = [0; 4096];
            // Where the first line not yet looked at for a mark starts.
            let mut line = 0;
            while let Ok(read @ 1..) = stdout.read(&mut buffer) {
                output.extend_from_slice(&buffer[..read]);
                if show == Show::Live {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&buffer[..read]).and_then(|()| out.flush());
                }
                while let Some(end) = output[line..].iter().position(|&b| b == b'\n') {
                    if show == Show::Marks
                        && let Some(mark) = mark(&output[line..line + end])
                    {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "{mark}").and_then(|()| err.flush());
                    }
                    line += end + 1;
                }
            }
            String::from_utf8_lossy(&output).into_owned()
        })
    });
    let exit = wait_within(&mut child, WATCHDOG).map_err(failed)?;
    let output = reader
        .map(|r| r.join().unwrap_or_default())
        .unwrap_or_default();
    let tests = summarise(&output);
    let outcome = match exit {
        None => Outcome::TimedOut,
        Some(exit) if exit.success() && tests.ran_to_the_end() => Outcome::Passed,
        Some(_) => Outcome::Failed,
    };
    Ok((outcome, tests))
}

/// The mark of a test that has ended, from its line of libtest's output.
fn mark(line: &[u8]) -> Option<char> {
    if !line.starts_with(b"test ") {
        return None;
    }
    if line.ends_with(b" ... ok") {
        Some('.')
    } else if line.ends_with(b" ... FAILED") {
        Some('F')
    } else {
        None
    }
}

/// Reads libtest's `test <name> ... ok|FAILED` lines, its closing summary, and the first line of
/// each failure's message (the line after `panicked at ...:`).
pub fn summarise(output: &str) -> Tests {
    let mut tests = Tests::default();
    let mut lines = output.lines();
    while let Some(line) = lines.next() {
        if let Some(result) = line.strip_prefix("test result: ") {
            tests.finished = true;
            tests.summary_passed = result
                .strip_prefix("ok. ")
                .and_then(|counts| counts.split(' ').next()?.parse().ok());
            continue;
        }
        if line.starts_with("thread '") && line.contains(" panicked at ") {
            if let Some(message) = lines.next() {
                tests.messages.push(message.to_owned());
            }
            continue;
        }
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        if rest.ends_with(" ... ok") {
            tests.passed += 1;
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            tests.failed += 1;
            tests
                .failed_names
                .push(name.trim_end_matches(" - should panic").to_owned());
        }
    }
    tests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_lines_are_counted() {
        let output = "running 3 tests\ntest a ... ok\ntest b ... FAILED\n\
                      test c - should panic ... FAILED\n\nfailures:\n\n---- b stdout ----\n\n\
                      thread 'b' (12) panicked at tests/x.rs:3:5:\nit spins\nnote: ...\n\
                      test result: FAILED.";
        let tests = summarise(output);
        assert_eq!((tests.passed, tests.failed), (1, 2));
        assert_eq!(tests.failed_names, ["b", "c"]);
        assert_eq!(tests.messages, ["it spins"]);
        assert!(!tests.ran_to_the_end());
    }

    #[test]
    fn only_a_run_with_its_summary_and_a_passed_test_ran_to_the_end() {
        let whole = "running 2 tests\ntest a ... ok\ntest b ... ok\n\n\
                     test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out";
        assert!(summarise(whole).ran_to_the_end());
        let cut_short = "running 2 tests\ntest a ... ok\ntest b ... ";
        assert!(!summarise(cut_short).ran_to_the_end());
        let none_ran = "running 2 tests\ntest a ... ignored\ntest b ... ignored\n\n\
                        test result: ok. 0 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out";
        assert!(!summarise(none_ran).ran_to_the_end());
    }
}
