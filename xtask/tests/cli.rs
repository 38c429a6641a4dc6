//! Tests of the `cargo xtask` command line, run as a user would run it.
mod support;
use support::{text, xtask};

#[test]
fn list_names_every_lesson_and_step() {
    let out = xtask(&["list"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for lesson in ["channels:", "select:"] {
        assert!(stdout.contains(lesson), "{lesson} missing from:\n{stdout}");
    }
    for step in ["goroutines", "unbuffered", "basic", "nil"] {
        assert!(
            stdout.contains(&format!("  {step} ")),
            "{step} missing from:\n{stdout}"
        );
    }
}

#[test]
fn an_unknown_lesson_exits_2_naming_the_lessons() {
    let out = xtask(&["run", "nope"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no lesson \"nope\""), "{stderr}");
    assert!(stderr.contains("lessons: channels, select"), "{stderr}");
    let out = xtask(&["run", "chanels"]);
    assert!(text(&out.stderr).contains("did you mean \"channels\"?"));
}

#[test]
fn an_unknown_step_exits_2_naming_the_steps() {
    let out = xtask(&["run", "channels", "nope"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("steps: goroutines, unbuffered, handoff, buffered"),
        "{stderr}"
    );
}

#[test]
fn a_step_runs_at_a_pace() {
    let out = xtask(&["run", "channels", "unbuffered", "--pace", "0.01"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("sender: sending \"ping\" (nobody is receiving yet)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("receiver: got \"ping\"\n"), "{stdout}");
    // The step prints its wait as run and, in parentheses, at pace 1: "after 0.010s (1.0s at
    // pace 1)". At pace 0.01 a loaded machine adds a little.
    let prefix = "sender: send returned after ";
    let line = stdout
        .lines()
        .find(|l| l.starts_with(prefix))
        .expect("the sender's line");
    let waited: f64 = line
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once("s at pace 1)"))
        .and_then(|(secs, _)| secs.parse().ok())
        .unwrap_or_else(|| panic!("no time at pace 1 in {line:?}"));
    assert!(
        waited >= 0.95,
        "the send returned before the receiver came:\n{stdout}"
    );
}

#[test]
fn an_unknown_command_exits_2() {
    let out = xtask(&["tset"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean \"test\"?"));
}

/// `cargo xtask <args> | head -1`: the reader takes one line and goes; xtask, and the lesson
/// binaries it runs, must then end quietly, without a panic about the broken pipe.
fn first_line_then_close(args: &'static [&'static str]) -> (String, std::process::Output) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("xtask starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap(); // the reader, with the pipe's only read end, is dropped here
        let _ = tx.send((first, child.wait_with_output().unwrap()));
    });
    rx.recv_timeout(std::time::Duration::from_secs(900))
        .expect("xtask ended within 15 minutes of its reader closing the pipe")
}

#[test]
fn a_closed_pipe_ends_xtask_and_the_lessons_quietly() {
    for args in [&["list"][..], &["run", "channels", "--pace", "0.01"]] {
        let (first, out) = first_line_then_close(args);
        let stderr = text(&out.stderr);
        assert!(!first.is_empty(), "{args:?}: no first line; {stderr}");
        assert!(out.status.success(), "{args:?}: {}\n{stderr}", out.status);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn run_help_is_xtasks_own() {
    let out = xtask(&["run", "--help"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.starts_with("usage: cargo xtask run"), "{stdout}");
    assert!(!stdout.contains("########"), "no lesson runs: {stdout}");
}
