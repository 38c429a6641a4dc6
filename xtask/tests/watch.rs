//! Tests of `cargo xtask lab watch`, driven as a student drives it: in a real terminal (a tmux
//! pane), editing a lab file and pressing keys, with the screen read back by `tmux capture-pane`.
//! They work on a copy of the labs, never on the checkout's. Without tmux they say so and skip.
mod support;
use support::LabsCopy;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The first check may build the labs' dependencies into the copy; later ones take seconds.
const FIRST_CHECK: Duration = Duration::from_secs(600);
const CHECK: Duration = Duration::from_secs(120);
const KEY: Duration = Duration::from_secs(20);

/// A tmux server of the test's own, running one pane: `cargo xtask lab watch` on the copy, then a
/// shell line that records the terminal's settings before and after and how the loop exited.
struct Pane {
    socket: String,
    copy: std::path::PathBuf,
}

impl Pane {
    /// None when tmux is not installed (the test says so and skips).
    fn start(copy: &LabsCopy) -> Option<Pane> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // Straight to stderr, past the test harness's capture: a skip must show.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: tmux is not installed (apt-get install tmux): the watch loop is not \
                 tested in a terminal"
            );
            return None;
        }
        let socket = format!("chanlab-watch-{}", std::process::id());
        for old in ["before", "after"] {
            let _ = std::fs::remove_file(copy.dir.join(old));
        }
        let watch = copy.command(&["watch"]);
        let script = format!(
            // An interactive shell would give the loop a process group of its own; this one
            // shares its group, so it catches Ctrl-C to outlive the loop and report on it.
            // The settings are written before the line the test waits for.
            "trap : INT; stty -g > before; {} lab watch; status=$?; stty -g > after; \
             echo \"watch exited with $status\"; exec sleep 600",
            watch.get_program().to_string_lossy()
        );
        let mut tmux = Command::new("tmux");
        tmux.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "100", "-y", "50", "-c"])
            .arg(&copy.dir)
            .args(["sh", "-c", &script]);
        // The pane's environment is the new server's: the copy's, as `command` set it up.
        for (key, value) in watch.get_envs() {
            match value {
                Some(value) => tmux.env(key, value),
                None => tmux.env_remove(key),
            };
        }
        let status = tmux.status().expect("tmux starts");
        assert!(status.success(), "tmux new-session failed");
        Some(Pane {
            socket,
            copy: copy.dir.clone(),
        })
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Presses keys, as `tmux send-keys` names them.
    fn press(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// What the pane shows, from the top of its history (long output scrolls the top off).
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-", "-t", "0"])
    }

    /// Waits until the screen satisfies `ready`, and returns it.
    fn wait(&self, deadline: Duration, what: &str, ready: impl Fn(&str) -> bool) -> String {
        wait_for(deadline, what, || self.screen(), ready)
    }

    /// The terminal's settings before the loop started and after it ended.
    fn settings(&self) -> (String, String) {
        let read = |name| std::fs::read_to_string(self.copy.join(name)).unwrap_or_default();
        (read("before"), read("after"))
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// Waits until what `show` returns satisfies `ready`, and returns it; fails showing it if it does
/// not within `deadline`.
fn wait_for(
    deadline: Duration,
    what: &str,
    show: impl Fn() -> String,
    ready: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let shown = show();
        if ready(&shown) {
            return shown;
        }
        assert!(
            start.elapsed() < deadline,
            "no {what} within {deadline:?}:\n{shown}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// Processes whose command line names the copy: the check's cargo and test binaries.
fn checks_running(copy: &std::path::Path) -> Vec<String> {
    let needle = copy.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&needle) && !cmdline.contains("tmux") && !cmdline.contains("sh -c") {
            found.push(cmdline);
        }
    }
    found
}

#[test]
fn a_student_fixes_a_lab_gets_a_hint_and_moves_on_from_the_keyboard() {
    let copy = LabsCopy::new();
    let Some(pane) = Pane::start(&copy) else {
        return;
    };
    let before = pane.wait(FIRST_CHECK, "the first lab's result", |s| {
        s.contains("✗ collect is not done yet")
    });
    eprintln!("before the fix:\n{before}");
    for expected in [
        "lab 1/24: collect · course section 5.2",
        "Lab `collect` (course section 5.2)",
        "test fetches_run_at_the_same_time ... FAILED",
        "exercises/collect.rs to check again",
        "0/24 done",
        "h shows a hint · n next pending lab · l list · r check again · q quit",
    ] {
        let expected = expected.replace(
            "labs/exercises",
            &format!("{}/exercises", copy.dir.display()),
        );
        assert!(
            before.contains(&expected),
            "{expected:?} missing:\n{before}"
        );
    }

    // Save a fix as an editor that writes twice does: empty first, then whole.
    copy.write("exercises/collect.rs", "");
    thread::sleep(Duration::from_millis(30));
    copy.write("exercises/collect.rs", &copy.read("solutions/collect.rs"));
    let after = pane.wait(CHECK, "the fixed lab passing", |s| {
        s.contains("✓ collect is done")
    });
    eprintln!("after the fix:\n{after}");
    assert!(
        after.contains("test fetches_run_at_the_same_time ... ok"),
        "{after}"
    );
    assert!(
        after.contains("Press n for the next lab: ping_pong (course section 5.3)"),
        "{after}"
    );
    assert!(after.contains("1/24 done"), "{after}");

    pane.press(&["h"]);
    let shown = pane.wait(KEY, "the hint", |s| s.contains("h hides the hint"));
    let hint = support::text(&copy.lab(&["hint", "collect"]).stdout);
    let hint = hint.lines().nth(1).expect("the hint's first line");
    assert!(shown.contains(&format!("hint: {hint}")), "{shown}");

    pane.press(&["n"]);
    let next = pane.wait(CHECK, "the next lab, checked", |s| {
        s.contains("✗ ping_pong is not done yet")
    });
    assert!(next.contains("lab 2/24: ping_pong"), "{next}");
    assert!(!next.contains("h hides the hint"), "{next}");

    pane.press(&["l"]);
    let list = pane.wait(KEY, "the list", |s| s.contains("the labs · progress"));
    assert!(list.contains(">   2  ping_pong"), "{list}");
    assert!(list.contains("    1  collect"), "{list}");
    let row = list.lines().find(|l| l.contains(" collect ")).unwrap_or("");
    assert!(row.ends_with("done"), "{list}");
    pane.press(&["Down"]);
    pane.wait(KEY, "the cursor moved", |s| {
        s.contains(">   3  close_and_range")
    });
    pane.press(&["q"]);
    pane.wait(KEY, "the lab again", |s| s.contains("lab 2/24: ping_pong"));

    pane.press(&["q"]);
    let end = pane.wait(KEY, "the loop's end", |s| s.contains("watch exited with"));
    assert!(end.contains("watch exited with 0"), "{end}");
    assert!(end.contains("1/24 labs done."), "{end}");
    let (before, after) = pane.settings();
    assert!(!before.is_empty(), "the terminal's settings were recorded");
    assert_eq!(before, after, "q leaves the terminal as it found it");
}

/// Ctrl-C while a lab's tests run: the loop ends at once, stopping them, and the terminal is as
/// it was. The lab's code never returns, so its tests would otherwise go on to their deadlines.
#[test]
fn ctrl_c_stops_the_check_and_restores_the_terminal() {
    let copy = LabsCopy::new();
    let starter = copy.read("exercises/collect.rs");
    let stuck = starter.replacen(
        "-> Vec<String> {",
        "-> Vec<String> {\n    loop {\n        thread::sleep(Duration::from_secs(1));\n    }",
        1,
    );
    assert_ne!(
        stuck, starter,
        "collect's starter has its fetch_all where expected"
    );
    copy.write("exercises/collect.rs", &stuck);
    // Whatever an earlier, failed run left running on the copy ends at its own deadlines.
    let start = Instant::now();
    while !checks_running(&copy.dir).is_empty() {
        assert!(start.elapsed() < CHECK, "{:?}", checks_running(&copy.dir));
        thread::sleep(Duration::from_millis(100));
    }
    let Some(pane) = Pane::start(&copy) else {
        return;
    };
    // The check says what it does as it goes: compiling, then each test's name as it starts.
    let running = pane.wait(FIRST_CHECK, "the first test running", |s| {
        s.lines()
            .any(|l| l.trim_end() == "test answers_arrive_in_the_order_the_fetches_finish ...")
    });
    assert!(running.contains("compiling collect…"), "{running}");
    assert!(
        checks_running(&copy.dir)
            .iter()
            .any(|c| c.contains("/deps/collect-")),
        "the lab's tests run: {:?}",
        checks_running(&copy.dir)
    );
    pane.press(&["C-c"]);
    let end = pane.wait(KEY, "the loop's end", |s| s.contains("watch exited with"));
    assert!(end.contains("watch exited with 130"), "{end}");
    let (before, after) = pane.settings();
    assert!(!before.is_empty(), "the terminal's settings were recorded");
    assert_eq!(before, after, "Ctrl-C leaves the terminal as it found it");
    // The tests' first deadline is 5 s away: what is still running then was left behind.
    let start = Instant::now();
    while !checks_running(&copy.dir).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "the check outlived the loop: {:?}",
            checks_running(&copy.dir)
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Without a terminal the loop says so and reads keys a line at a time; with `--manual` it says
/// that saves are not watched, and checks on Enter.
#[test]
fn without_a_terminal_keys_come_a_line_at_a_time() {
    let copy = LabsCopy::new();
    let mut child = copy
        .command(&["watch", "--manual"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("xtask starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let seen = Arc::new(Mutex::new(String::new()));
    let reader = {
        let seen = Arc::clone(&seen);
        thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(read @ 1..) = stdout.read(&mut buffer) {
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..read]));
            }
        })
    };
    let wait = |deadline: Duration, what: &str, ready: &dyn Fn(&str) -> bool| {
        wait_for(deadline, what, || seen.lock().unwrap().clone(), ready)
    };
    let count = |text: &str, what: &str| text.matches(what).count();

    let first = wait(FIRST_CHECK, "result", &|t| {
        t.contains("✗ collect is not done yet")
    });
    assert!(
        first.contains("(input is not a terminal: type a key, then Enter.)"),
        "{first}"
    );
    assert!(
        first.contains("(saves are not watched (--manual): r or Enter checks.)"),
        "{first}"
    );
    assert!(first.contains("press r or Enter to check again"), "{first}");
    assert!(!first.contains("\x1b["), "no terminal codes: {first}");

    // A save is not checked; an empty line (Enter) is.
    copy.write("exercises/collect.rs", &copy.read("solutions/collect.rs"));
    thread::sleep(Duration::from_secs(1));
    assert_eq!(count(&seen.lock().unwrap(), "checking collect…"), 1);
    writeln!(stdin).expect("Enter");
    wait(CHECK, "second check", &|t| t.contains("✓ collect is done"));

    // A lab by its number from the list, and the hint, a line each.
    writeln!(stdin, "l").expect("l");
    wait(KEY, "list", &|t| t.contains("the labs · progress: [#---"));
    writeln!(stdin, "21").expect("21");
    wait(CHECK, "lab 21", &|t| {
        t.contains("✗ fix_race is not done yet")
    });
    writeln!(stdin, "h").expect("h");
    wait(KEY, "hint", &|t| t.contains("h hides the hint"));
    writeln!(stdin, "q").expect("q");
    let status = exit_within(&mut child, KEY);
    reader.join().expect("the reader");
    let all = seen.lock().unwrap().clone();
    assert!(status.success(), "{all}");
    assert!(
        all.ends_with("1/24 labs done. `cargo xtask lab` starts again at the first pending lab.\n"),
        "{all}"
    );
}

/// The child's exit status; fails, stopping it, if it has not exited within `deadline`.
fn exit_within(child: &mut std::process::Child, deadline: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            return status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            panic!("the loop did not end within {deadline:?} of q");
        }
        thread::sleep(Duration::from_millis(50));
    }
}
