//! `cargo xtask lab watch`, and `cargo xtask lab` alone on a terminal: the labs in a loop, as
//! rustlings runs its exercises. The screen shows a lab, what it asks (its file's header), what
//! the checker said of it and how many labs are done; saving the file checks it again; keys give
//! a hint, the next pending lab, or a list to pick one from.
//!
//! It adds no dependency. Saves are found by looking at `labs/exercises/` a few times a second
//! (a score of small files: microseconds of work each time, where a watcher crate would add
//! seconds to every cold build of xtask); keys are read as they are pressed once `stty` has turned
//! line editing off (`terminal`); and a check is `cargo xtask lab check <lab>` run as a child in a
//! process group of its own, so the screen shows the checker's own words as they come and the
//! loop can stop a check that a newer save has made moot.

mod terminal;

use super::{Lab, done_labs, lab_file, labs_dir, next_pending, pristine};
use crate::cargo::root;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant, SystemTime};
use terminal::{Key, Keyboard};

/// How often the loop looks at the lab files.
const POLL: Duration = Duration::from_millis(150);

/// How long a changed file must stay as it is before it is checked: an editor that writes a file
/// twice (empty, then full; or a copy, then a rename) gets one check, of what it wrote last.
const SETTLE: Duration = Duration::from_millis(300);

const USAGE: &str = "usage: cargo xtask lab watch [--manual]\n\n  \
    --manual  check only when r or Enter is pressed, not on every save";

/// Whether `cargo xtask lab` alone starts the loop: the keys and the screen are a terminal's.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Runs the loop on the first pending lab, until `q` or the end of input.
pub fn run(labs: &[Lab], args: &[&str]) -> Result {
    let manual = match args {
        [] => false,
        ["--manual"] => true,
        _ => return Err(Error::Usage(USAGE.into())),
    };
    if labs.is_empty() {
        return Err(Error::Failed("labs/info.toml lists no lab".into()));
    }
    // Ctrl-C reaches this process alone (a check runs in a group of its own): stop the check and
    // leave the terminal as it was found.
    let _ = ctrlc::set_handler(|| {
        if let Some(group) = take(&RUNNING) {
            stop_group(group);
        }
        terminal::restore();
        println!();
        std::process::exit(130);
    });
    let (events, inbox) = mpsc::channel();
    let keys = events.clone();
    let keyboard = terminal::start(move |key| keys.send(Event::Key(key)).is_ok());
    let saves = if manual {
        Err("saves are not watched (--manual)".to_owned())
    } else {
        Saves::new(labs_dir().join("exercises"))
    };
    let at = next_pending(labs).map_or(0, |next| {
        labs.iter()
            .position(|l| l.name == next.name)
            .unwrap_or_default()
    });
    let mut watch = Watch {
        labs,
        at,
        list: None,
        typed: String::new(),
        said: String::new(),
        state: State::Checking,
        hint: false,
        running: None,
        checks: 0,
        saves,
        keyboard,
        notice: None,
        events,
        screen: Screen::new(),
    };
    watch.check();
    watch.serve(&inbox);
    let notice = watch.notice.take();
    drop(watch);
    if let Some(notice) = notice {
        println!("\n{notice}");
    }
    println!(
        "\n{}/{} labs done. `cargo xtask lab` starts again at the first pending lab.",
        done_labs(labs).len(),
        labs.len()
    );
    Ok(())
}

/// What the loop waits for.
enum Event {
    Key(Key),
    /// What check number `.0` printed next: lines, or the start of one (a test's name before
    /// its result).
    Said(u64, String),
    /// Check number `.0` ended: passed or not.
    Ended(u64, bool),
}

/// Where the lab on screen stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Checking,
    Passed,
    NotYet,
}

/// The process group of the running check, for the Ctrl-C handler.
static RUNNING: Mutex<Option<u32>> = Mutex::new(None);

fn take(slot: &Mutex<Option<u32>>) -> Option<u32> {
    slot.lock().unwrap_or_else(|e| e.into_inner()).take()
}

struct Watch<'a> {
    labs: &'a [Lab],
    /// The lab on screen (or under the list).
    at: usize,
    /// The list's cursor, while the list is on screen.
    list: Option<usize>,
    /// A lab's number, typed in the list.
    typed: String,
    /// What the checker said of the lab.
    said: String,
    state: State,
    hint: bool,
    /// The running check's number and process group.
    running: Option<(u64, u32)>,
    /// How many checks were started: each numbers its events, so a stopped one's are dropped.
    checks: u64,
    /// The lab files as last seen, or why saves are not watched.
    saves: std::result::Result<Saves, String>,
    keyboard: Keyboard,
    /// Something to say once, at the bottom of the next screen.
    notice: Option<String>,
    events: Sender<Event>,
    screen: Screen,
}

impl Watch<'_> {
    /// Handles events until the student leaves.
    fn serve(&mut self, inbox: &Receiver<Event>) {
        let mut looked = Instant::now();
        loop {
            match inbox.recv_timeout(POLL) {
                Ok(Event::Key(key)) => {
                    if !self.key(key) {
                        return;
                    }
                }
                Ok(Event::Said(check, text)) if self.is_running(check) => {
                    if self.list.is_none() {
                        self.screen.add(&text);
                    }
                    self.said.push_str(&text);
                }
                Ok(Event::Ended(check, passed)) if self.is_running(check) => {
                    self.running = None;
                    take(&RUNNING);
                    self.state = if passed { State::Passed } else { State::NotYet };
                    self.draw();
                }
                // A stopped check's last words, or nothing for a while.
                Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if looked.elapsed() >= POLL {
                looked = Instant::now();
                self.look();
            }
        }
    }

    fn is_running(&self, check: u64) -> bool {
        self.running.is_some_and(|(running, _)| running == check)
    }

    /// Acts on a key; false to leave.
    fn key(&mut self, key: Key) -> bool {
        if key == Key::End {
            self.notice = Some("Input ended: leaving the watch loop.".into());
            return false;
        }
        if let Some(cursor) = self.list {
            return self.list_key(cursor, key);
        }
        match key {
            Key::Char('q') => return false,
            Key::Char('h') => {
                self.hint = !self.hint;
                self.redraw_when_checked();
            }
            Key::Char('n') => match self.next_pending() {
                Some(next) => self.go(next),
                None => {
                    self.notice = Some("No other lab is pending.".into());
                    self.redraw_when_checked();
                }
            },
            Key::Char('l') => {
                self.list = Some(self.at);
                self.draw();
            }
            Key::Char('r') | Key::Enter => self.check(),
            _ => {}
        }
        true
    }

    /// Acts on a key while the list is on screen; false to leave.
    fn list_key(&mut self, cursor: usize, key: Key) -> bool {
        match key {
            Key::Up | Key::Char('k') => self.list = Some(cursor.saturating_sub(1)),
            Key::Down | Key::Char('j') => self.list = Some((cursor + 1).min(self.labs.len() - 1)),
            Key::Char(digit) if digit.is_ascii_digit() => self.typed.push(digit),
            Key::Enter | Key::LineEnd => {
                let typed = self
                    .typed
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=self.labs.len()).contains(n));
                match (typed, key) {
                    (Some(number), _) => self.go(number - 1),
                    (None, Key::Enter) => self.go(cursor),
                    (None, _) => {}
                }
                self.typed.clear();
                if self.list.is_none() {
                    return true;
                }
            }
            Key::Char('q' | 'l') | Key::Escape => {
                self.list = None;
                self.typed.clear();
            }
            _ => return true,
        }
        self.draw();
        true
    }

    /// The first pending lab after the one on screen, coming round to the start.
    fn next_pending(&self) -> Option<usize> {
        let done = done_labs(self.labs);
        let count = self.labs.len();
        (1..count)
            .map(|step| (self.at + step) % count)
            .find(|&i| !done.contains(&self.labs[i].name))
    }

    /// Shows lab `at` and checks it.
    fn go(&mut self, at: usize) {
        if at != self.at {
            self.hint = false;
        }
        self.at = at;
        self.list = None;
        self.check();
    }

    /// Looks for saves; a settled save checks its lab (the one on screen first).
    fn look(&mut self) {
        let Ok(saves) = &mut self.saves else { return };
        match saves.settled() {
            Ok(saved) => {
                let on_screen = &self.labs[self.at].name;
                let lab = if saved.contains(on_screen) {
                    Some(self.at)
                } else {
                    self.labs.iter().position(|l| saved.contains(&l.name))
                };
                if let Some(lab) = lab {
                    self.go(lab);
                }
            }
            Err(e) => {
                self.saves = Err(format!("cannot watch {}: {e}", shown(&saves.dir)));
                self.redraw_when_checked();
            }
        }
    }

    /// Starts checking the lab on screen, stopping a check still running.
    fn check(&mut self) {
        self.stop();
        self.checks += 1;
        self.said.clear();
        self.state = State::Checking;
        self.draw();
        let name = &self.labs[self.at].name;
        match start_check(name, self.checks, self.events.clone(), self.screen.ansi) {
            Ok(group) => {
                self.running = Some((self.checks, group));
                *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = Some(group);
            }
            Err(e) => {
                self.said = format!("could not start the check: {e}\n");
                self.state = State::NotYet;
                self.draw();
            }
        }
    }

    fn stop(&mut self) {
        if let Some((_, group)) = self.running.take() {
            take(&RUNNING);
            stop_group(group);
        }
    }

    /// Redraws unless a check is printing below the screen's top (its end redraws anyway).
    fn redraw_when_checked(&mut self) {
        if self.state != State::Checking || self.list.is_some() {
            self.draw();
        }
    }

    fn draw(&mut self) {
        let text = match self.list {
            Some(cursor) => self.list_screen(cursor),
            None => self.lab_screen(),
        };
        self.notice = None;
        self.screen.show(&text);
    }

    /// The lab, what it asks, what the checker said, and (once it is done) where that leaves the
    /// student.
    fn lab_screen(&self) -> String {
        let lab = &self.labs[self.at];
        let file = lab_file("exercises", &lab.name);
        let rule = self.screen.rule();
        let mut s = format!(
            "lab {}/{}: {} · course section {} · {} · {}\n{}\n{rule}\n",
            self.at + 1,
            self.labs.len(),
            lab.name,
            lab.section,
            lab.lesson,
            lab.difficulty,
            shown(&file)
        );
        for line in asks(&file) {
            let _ = writeln!(s, "{line}");
        }
        let _ = writeln!(s, "{rule}");
        if self.state == State::Checking {
            let _ = writeln!(
                s,
                "checking {}… (q quits, r starts again, n or l for another lab)",
                lab.name
            );
        }
        s.push_str(&self.said);
        if self.state == State::Checking {
            return s;
        }
        if !s.ends_with('\n') {
            s.push('\n');
        }
        let _ = writeln!(s, "{rule}");
        let done = done_labs(self.labs);
        match self.state {
            State::Passed => match self.next_pending() {
                Some(next) => {
                    let next = &self.labs[next];
                    let _ = writeln!(
                        s,
                        "✓ {} is done. Press n for the next lab: {} (course section {}).",
                        lab.name, next.name, next.section
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "✓ {} is done, and so is every lab: `cargo xtask lab grade` to confirm.",
                        lab.name
                    );
                }
            },
            _ if self.saves.is_ok() => {
                let _ = writeln!(
                    s,
                    "✗ {} is not done yet: save {} to check again.",
                    lab.name,
                    shown(&file)
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "✗ {} is not done yet: press r or Enter to check again.",
                    lab.name
                );
            }
        }
        if self.hint {
            let _ = writeln!(s, "\nhint: {}\n", lab.hint);
        }
        for line in self.conditions() {
            let _ = writeln!(s, "{line}");
        }
        let _ = writeln!(s, "{}", progress(done.len(), self.labs.len()));
        let _ = write!(
            s,
            "h {} hint · n next pending lab · l list · r check again · q quit",
            if self.hint { "hides the" } else { "shows a" }
        );
        s
    }

    /// The labs, each done or pending, with a cursor.
    fn list_screen(&self, cursor: usize) -> String {
        let done = done_labs(self.labs);
        let width = self.labs.iter().map(|l| l.name.len()).max().unwrap_or(0);
        let mut s = format!(
            "the labs · {}\n    #  {:width$}  section  lesson    status\n",
            progress(done.len(), self.labs.len()),
            "lab"
        );
        for (i, lab) in self.labs.iter().enumerate() {
            let status = if done.contains(&lab.name) {
                "done"
            } else {
                "pending"
            };
            let _ = writeln!(
                s,
                "{} {:>3}  {:width$}  {:7}  {:8}  {status}",
                if i == cursor { '>' } else { ' ' },
                i + 1,
                lab.name,
                lab.section,
                lab.lesson,
            );
        }
        for line in self.conditions() {
            let _ = writeln!(s, "{line}");
        }
        let _ = write!(
            s,
            "{} · a number and Enter for that lab · q back",
            match self.keyboard {
                Keyboard::Keys => "↑/↓ or j/k move · Enter checks the lab at >",
                Keyboard::Lines(_) => "Enter checks the lab at >",
            }
        );
        if !self.typed.is_empty() {
            let _ = write!(s, " · go to lab {}", self.typed);
        }
        s
    }

    /// Why the loop works as it does, when that is not the usual way, and the notice.
    fn conditions(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Keyboard::Lines(why) = &self.keyboard {
            lines.push(format!("({why}: type a key, then Enter.)"));
        }
        if let Err(why) = &self.saves {
            lines.push(format!("({why}: r or Enter checks.)"));
        }
        lines.extend(self.notice.clone());
        lines
    }
}

impl Drop for Watch<'_> {
    /// However the loop ends (a panic included), no check goes on and the terminal is restored.
    fn drop(&mut self) {
        self.stop();
        terminal::restore();
    }
}

/// Runs `cargo xtask lab check <lab>` in a process group of its own; what it prints, as it comes,
/// and its end are events numbered `check`. Returns the group.
fn start_check(lab: &str, check: u64, events: Sender<Event>, color: bool) -> std::io::Result<u32> {
    let (output, input) = std::io::pipe()?;
    let mut command = Command::new(std::env::current_exe()?);
    command
        .args(["lab", "check", lab])
        .stdin(Stdio::null())
        .stdout(input.try_clone()?)
        .stderr(input);
    if color {
        command.env("CARGO_TERM_COLOR", "always");
    }
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn()?;
    // The command holds the pipe's writing end: without dropping it the reader never sees the end.
    drop(command);
    let group = child.id();
    thread::spawn(move || {
        let mut output = output;
        let mut bytes = Vec::new();
        let mut buffer = [0; 4096];
        while let Ok(read @ 1..) = output.read(&mut buffer) {
            bytes.extend_from_slice(&buffer[..read]);
            // Up to the last whole character: a read can end inside one.
            let whole = match std::str::from_utf8(&bytes) {
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                _ => bytes.len(),
            };
            let text = String::from_utf8_lossy(&bytes[..whole]).into_owned();
            bytes.drain(..whole);
            if events.send(Event::Said(check, text)).is_err() {
                break;
            }
        }
        let passed = child.wait().is_ok_and(|status| status.success());
        let _ = events.send(Event::Ended(check, passed));
    });
    Ok(group)
}

/// Stops a check: its process, the cargo it started, the tests it runs.
fn stop_group(group: u32) {
    // The shell's own `kill`: minimal systems may lack the `kill` program, never the shell.
    #[cfg(unix)]
    let _ = Command::new("sh")
        .args(["-c", "kill -s KILL -- \"-$1\"", "sh", &group.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    #[cfg(not(unix))]
    let _ = group;
}

/// The lab files as last seen, to find saves by comparing.
struct Saves {
    dir: PathBuf,
    seen: BTreeMap<String, Stamp>,
    /// Files seen changing, and when they last did.
    changing: BTreeMap<String, Instant>,
}

/// What tells one version of a file from another: its modification time, and a hash of its
/// bytes (a file system with coarse times can give two saves the same time).
type Stamp = (Option<SystemTime>, u64);

impl Saves {
    fn new(dir: PathBuf) -> std::result::Result<Saves, String> {
        match stamps(&dir) {
            Ok(seen) => Ok(Saves {
                dir,
                seen,
                changing: BTreeMap::new(),
            }),
            Err(e) => Err(format!("cannot watch {}: {e}", shown(&dir))),
        }
    }

    /// The labs whose files changed and have then stayed as they are for [`SETTLE`].
    fn settled(&mut self) -> std::io::Result<Vec<String>> {
        let now = stamps(&self.dir)?;
        let at = Instant::now();
        for name in self.seen.keys().chain(now.keys()) {
            if self.seen.get(name) != now.get(name) {
                self.changing.insert(name.clone(), at);
            }
        }
        self.seen = now;
        let settled: Vec<String> = self
            .changing
            .iter()
            .filter(|(_, changed)| changed.elapsed() >= SETTLE)
            .map(|(name, _)| name.clone())
            .collect();
        for name in &settled {
            self.changing.remove(name);
        }
        Ok(settled)
    }
}

/// The stamp of every `<lab>.rs` in `dir`, by lab name. A file that vanishes between the listing
/// and the reading (an editor replacing it) is left out, as if already gone.
fn stamps(dir: &Path) -> std::io::Result<BTreeMap<String, Stamp>> {
    let mut stamps = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str()?.strip_suffix(".rs"))
        else {
            continue;
        };
        let (Ok(meta), Ok(bytes)) = (std::fs::metadata(&path), std::fs::read(&path)) else {
            continue;
        };
        stamps.insert(
            name.to_owned(),
            (meta.modified().ok(), pristine::hash(&bytes)),
        );
    }
    Ok(stamps)
}

/// What a lab asks: the header of its file, the `//!` lines it opens with.
fn asks(file: &Path) -> Vec<String> {
    match std::fs::read_to_string(file) {
        Ok(text) => text
            .lines()
            .map_while(|line| line.strip_prefix("//!"))
            .map(|line| line.strip_prefix(' ').unwrap_or(line).to_owned())
            .collect(),
        Err(e) => vec![format!("({} cannot be read: {e})", shown(file))],
    }
}

/// `7/24 done`, after a bar.
fn progress(done: usize, total: usize) -> String {
    format!(
        "progress: [{}{}] {done}/{total} done",
        "#".repeat(done),
        "-".repeat(total.saturating_sub(done))
    )
}

/// A path as the student knows it: relative to the repository when it is inside.
fn shown(path: &Path) -> String {
    let root = root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Where screens go: a terminal, cleared for each, or anything else, where screens follow each
/// other after a rule.
struct Screen {
    ansi: bool,
    width: usize,
}

impl Screen {
    fn new() -> Screen {
        Screen {
            ansi: std::io::stdout().is_terminal(),
            width: terminal::width().unwrap_or(72).clamp(20, 100),
        }
    }

    fn rule(&self) -> String {
        "─".repeat(self.width)
    }

    /// Replaces the screen with `text`.
    fn show(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = if self.ansi {
            // Home, clear the screen and the scrollback: the old screen is gone, not scrolled up.
            writeln!(out, "\x1b[H\x1b[2J\x1b[3J{text}")
        } else {
            write!(out, "\n{}\n{text}\n", "═".repeat(self.width))
        };
        let _ = out.flush();
    }

    /// Adds `text` to what is on screen.
    fn add(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{text}");
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_is_checked_once_the_file_has_settled() {
        let dir = std::env::temp_dir().join(format!("chanlab-watch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("merge.rs");
        std::fs::write(&file, "one").unwrap();
        std::fs::write(dir.join("notes.txt"), "not a lab").unwrap();
        let mut saves = Saves::new(dir.clone()).unwrap();
        assert!(saves.settled().unwrap().is_empty());
        // An editor's two writes, close together: one change, reported once it has settled.
        std::fs::write(&file, "").unwrap();
        assert!(saves.settled().unwrap().is_empty());
        std::fs::write(&file, "two").unwrap();
        assert!(saves.settled().unwrap().is_empty());
        std::fs::write(dir.join("notes.txt"), "still not a lab").unwrap();
        thread::sleep(SETTLE + Duration::from_millis(50));
        assert_eq!(saves.settled().unwrap(), ["merge"]);
        assert!(saves.settled().unwrap().is_empty());
        // A file removed (and not put back) is a change too.
        std::fs::remove_file(&file).unwrap();
        saves.settled().unwrap();
        thread::sleep(SETTLE + Duration::from_millis(50));
        assert_eq!(saves.settled().unwrap(), ["merge"]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(saves.settled().is_err());
    }

    #[test]
    fn a_lab_asks_what_its_header_says() {
        let file = std::env::temp_dir().join(format!("chanlab-asks-{}.rs", std::process::id()));
        std::fs::write(
            &file,
            "//! Lab `x`: do this.\n//!\n//!    indented\nuse a;\n//! not this\n",
        )
        .unwrap();
        assert_eq!(asks(&file), ["Lab `x`: do this.", "", "   indented"]);
        std::fs::remove_file(&file).unwrap();
        assert!(asks(&file)[0].contains("cannot be read"));
    }

    #[test]
    fn progress_counts_the_labs_done() {
        assert_eq!(progress(2, 5), "progress: [##---] 2/5 done");
    }
}
