//! `cargo xtask lab`: the course labs in `labs/` — list them, hint, check a student's work, show a
//! solution, reset a starter, grade them all.
//!
//! `labs/` is a cargo workspace of its own (its starters fail their tests on purpose). Each lab's
//! tests are a test target built against `exercises/<lab>.rs`, or against `solutions/<lab>.rs`
//! with the `solutions` feature. Tests are built once by cargo and their binaries run directly,
//! one test at a time (`--test-threads=1`: several labs measure time or count threads) and under
//! a watchdog, so no lab can hang the checker.

pub(crate) mod info;
mod pristine;
mod watch;

use crate::cargo::{cargo, root, seconds, status, wait_within};
use crate::json;
use crate::{Error, Result};
use info::Lab;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cargo xtask lab <command>

  watch [--manual]    the labs in a loop: checks the first pending lab on every save; keys for
                      a hint, the next lab, a list (`cargo xtask lab` alone, on a terminal)
  list                the labs, in order, with their status (pending or done)
  hint <lab>          a hint for a lab
  check [<lab>]       build a lab and run its tests (no lab: the next pending one)
  run <lab>           run the exercise's main, to experiment
  solution <lab>      print the reference solution
  reset <lab>         restore the starter (your version is backed up first)
  grade [--json] [<lab>...]
                      check every lab (or those named) and print the score
                      (--json: one JSON object with a result per lab, for autograders)
  verify              for course authors: every starter fails, every solution passes, all clean
                      (the labs stage of `cargo xtask test`)";

/// How long one lab's tests may run before the checker stops them. Each test has its own
/// deadline, far shorter; this only guards against code that defeats them.
const WATCHDOG: Duration = Duration::from_secs(120);

/// Runs the command.
pub fn run(args: &[String]) -> Result {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let labs = load()?;
    match args[..] {
        [] if watch::interactive() => watch::run(&labs, &[]),
        ["watch", ref flags @ ..] => watch::run(&labs, flags),
        [] | ["help" | "-h" | "--help"] => {
            println!("{USAGE}");
            Ok(())
        }
        ["list"] => list(&labs),
        ["hint", name] => {
            let lab = find(&labs, name)?;
            println!("hint for {} ({}):\n{}", lab.name, lab.section, lab.hint);
            Ok(())
        }
        ["check"] => match next_pending(&labs) {
            Some(lab) => check(&labs, lab),
            None => {
                println!("every lab is done: `cargo xtask lab grade` to confirm");
                Ok(())
            }
        },
        ["check", name] => check(&labs, find(&labs, name)?),
        ["run", name] => {
            let lab = find(&labs, name)?;
            status(lab_cargo("run").args(["--example", &lab.name]))
        }
        ["solution", name] => {
            let lab = find(&labs, name)?;
            print!("{}", read(&lab_file("solutions", &lab.name))?);
            Ok(())
        }
        ["reset", name] => reset(find(&labs, name)?),
        ["grade", ref rest @ ..] => {
            let json = rest.contains(&"--json");
            let mut chosen = Vec::new();
            for name in rest.iter().filter(|a| **a != "--json") {
                chosen.push(find(&labs, name)?.clone());
            }
            grade(if chosen.is_empty() { &labs } else { &chosen }, json)
        }
        ["verify"] => verify(),
        [command, ..] if !SUBCOMMANDS.contains(&command) => Err(Error::Usage(
            chanlab_common::runner::unknown("lab command", command, "cargo xtask lab", SUBCOMMANDS),
        )),
        _ => Err(Error::Usage(USAGE.into())),
    }
}

const SUBCOMMANDS: &[&str] = &[
    "watch", "list", "hint", "check", "run", "solution", "reset", "grade", "verify",
];

/// The part of `cargo xtask test` this command owns: the labs are consistent and untouched,
/// every starter compiles and fails its tests, every solution passes, all of it rustfmt- and
/// clippy-clean.
pub fn verify() -> Result {
    let started = Instant::now();
    eprintln!("==> labs");
    let labs = load()?;
    consistent(&labs)?;
    let drift = pristine::drift(&labs_dir(), &labs);
    if !drift.is_empty() {
        return Err(Error::Failed(format!(
            "these lab files differ from xtask/src/lab/pristine.rs: {}\n\
             If you changed them on purpose, replace that file's table with:\n{}",
            drift.join(", "),
            pristine::table(&labs_dir(), &labs)
        )));
    }
    let mut files: Vec<PathBuf> = vec![labs_dir().join("src/lib.rs")];
    for lab in &labs {
        for dir in ["exercises", "solutions", "tests"] {
            files.push(lab_file(dir, &lab.name));
        }
    }
    quiet_stage(
        "labs: rustfmt",
        Command::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .args(&files),
    )?;
    let deny = ["--", "-D", "warnings"];
    quiet_stage(
        "labs: clippy (starters)",
        lab_cargo("clippy")
            .args(["--tests", "--examples"])
            .args(deny),
    )?;
    quiet_stage(
        "labs: clippy (solutions)",
        lab_cargo("clippy")
            .args(["--tests", "--features", "solutions"])
            .args(deny),
    )?;
    // Starters only have to fail, and most of their time is spent waiting for a deadline: they run
    // a few at once. Solutions have timing tests to pass: one at a time.
    let mut wrong = Vec::new();
    for (variant, features, at_once, expected) in [
        ("starter", &[][..], 4, Outcome::Failed),
        (
            "solution",
            &["--features", "solutions"][..],
            1,
            Outcome::Passed,
        ),
    ] {
        let built = build(features, &[])?;
        for (lab, outcome) in labs.iter().zip(run_labs(&labs, &built, at_once)?) {
            if outcome != expected {
                wrong.push(format!("{variant} of {}: {}", lab.name, outcome.describe()));
            }
        }
    }
    if !wrong.is_empty() {
        return Err(Error::Failed(format!(
            "every starter must compile and fail its tests, every solution pass them:\n  {}",
            wrong.join("\n  ")
        )));
    }
    eprintln!(
        "labs: {} starters fail and {} solutions pass ({:.0}s)",
        labs.len(),
        labs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What running a lab's tests gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    DoesNotCompile,
    TimedOut,
}

impl Outcome {
    fn describe(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::DoesNotCompile => "does not compile",
            Outcome::TimedOut => "timed out",
        }
    }

    fn json(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::DoesNotCompile => "does_not_compile",
            Outcome::TimedOut => "timed_out",
        }
    }
}

fn list(labs: &[Lab]) -> Result {
    let done = done_labs(labs);
    let width = labs.iter().map(|l| l.name.len()).max().unwrap_or(0);
    println!(
        "  #  {:width$}  section  lesson    difficulty  status",
        "lab"
    );
    for (i, lab) in labs.iter().enumerate() {
        let state = if done.contains(&lab.name) {
            "done"
        } else {
            "pending"
        };
        println!(
            "{:>3}  {:width$}  {:7}  {:8}  {:10}  {state}",
            i + 1,
            lab.name,
            lab.section,
            lab.lesson,
            lab.difficulty
        );
    }
    println!("\n{} of {} done.", done.len(), labs.len());
    match next_pending(labs) {
        Some(next) => println!(
            "next: {0} — edit labs/exercises/{0}.rs, then `cargo xtask lab check {0}`",
            next.name
        ),
        None => println!("all done: `cargo xtask lab grade` to confirm"),
    }
    Ok(())
}

fn check(labs: &[Lab], lab: &Lab) -> Result {
    refuse_modified(std::slice::from_ref(lab), "check", false)?;
    println!(
        "checking {} (course section {}): labs/exercises/{}.rs",
        lab.name, lab.section, lab.name
    );
    println!("compiling {}…", lab.name);
    let built = build(&[], &[lab.name.as_str()])?;
    let (outcome, tests) = match built.get(&lab.name) {
        Some(binary) => run_tests(binary, Show::Live)?,
        None => (Outcome::DoesNotCompile, Tests::default()),
    };
    if outcome == Outcome::Passed {
        mark_done(lab, true)?;
        println!("\n✓ {} passes.", lab.name);
        if let Some(next) = next_pending(labs) {
            println!("next: {0} — `cargo xtask lab check {0}`", next.name);
        }
        return Ok(());
    }
    mark_done(lab, false)?;
    let why = match outcome {
        Outcome::DoesNotCompile => "does not compile (see the errors above)",
        Outcome::TimedOut => "was stopped after the checker's watchdog ran out",
        _ if !tests.finished || tests.passed + tests.failed == 0 => {
            "did not run its tests to the end (did the code end the process, or were the tests \
             left out?)"
        }
        _ => "fails its tests (see above which, and why)",
    };
    println!("\n✗ {} {why}.\n\nhint: {}", lab.name, lab.hint);
    Err(Error::Status(1))
}

/// Restores a lab's starter, found in git's history by its pristine hash, after backing up the
/// student's file.
fn reset(lab: &Lab) -> Result {
    let relative = format!("labs/exercises/{}.rs", lab.name);
    let path = lab_file("exercises", &lab.name);
    let want = pristine::expected(&format!("exercises/{}.rs", lab.name)).ok_or_else(|| {
        Error::Failed(format!("no pristine starter is recorded for {}", lab.name))
    })?;
    let current = std::fs::read(&path).ok();
    if current.as_deref().map(pristine::hash) == Some(want) {
        println!("{relative} is already the starter");
        return Ok(());
    }
    let starter = starter_from_git(&relative, want)?;
    if let Some(current) = current {
        let backups = labs_dir().join("target/lab-backups");
        std::fs::create_dir_all(&backups).map_err(|e| failed(&backups, e))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let backup = backups.join(format!("{}-{stamp}.rs", lab.name));
        std::fs::write(&backup, current).map_err(|e| failed(&backup, e))?;
        println!("your version is saved in {}", backup.display());
    }
    std::fs::write(&path, starter).map_err(|e| failed(&path, e))?;
    mark_done(lab, false)?;
    println!("{relative} is the starter again");
    Ok(())
}

/// The version of `relative` in git's history whose hash is `want`: HEAD's, else the newest such.
fn starter_from_git(relative: &str, want: u64) -> Result<Vec<u8>> {
    let git = |args: &[&str]| -> Option<Vec<u8>> {
        let out = Command::new("git")
            .current_dir(root())
            .args(args)
            .output()
            .ok()?;
        out.status.success().then_some(out.stdout)
    };
    let show = |commit: &str| git(&["show", &format!("{commit}:{relative}")]);
    if let Some(text) = show("HEAD").filter(|t| pristine::hash(t) == want) {
        return Ok(text);
    }
    let log = git(&["log", "--format=%H", "--", relative]).unwrap_or_default();
    for commit in String::from_utf8_lossy(&log).lines() {
        if let Some(text) = show(commit).filter(|t| pristine::hash(t) == want) {
            return Ok(text);
        }
    }
    Err(Error::Failed(format!(
        "could not find the starter of {relative} in git's history (is this a git checkout?); \
         nothing was changed"
    )))
}

/// Refuses to check or grade `labs` when their tests, the harness or the manifest differ from the
/// course's (with `json`, says so as a JSON object on stdout too).
fn refuse_modified(labs: &[Lab], verb: &str, json: bool) -> Result {
    let modified = pristine::modified_tests(&labs_dir(), labs);
    if modified.is_empty() {
        return Ok(());
    }
    let message = format!(
        "refusing to {verb}: these files differ from the course's: {}. Restore them \
         (e.g. `git checkout -- labs/tests labs/src labs/Cargo.toml`)",
        modified.join(", ")
    );
    if json {
        let files: Vec<String> = modified.iter().map(|m| json::string(m)).collect();
        println!(
            "{{\"error\":{},\"modified\":[{}]}}",
            json::string(&message),
            files.join(",")
        );
    }
    Err(Error::Failed(message))
}

fn grade(labs: &[Lab], json: bool) -> Result {
    refuse_modified(labs, "grade", json)?;
    let names: Vec<&str> = labs.iter().map(|l| l.name.as_str()).collect();
    // Progress goes to stderr, a line per lab with a mark per test: stdout is the score's alone.
    let started = Instant::now();
    eprintln!("compiling the tests of {} lab(s)…", labs.len());
    let built = build(&[], &names)?;
    eprintln!("compiled in {}", seconds(started.elapsed()));
    let mut results = Vec::new();
    for lab in labs {
        let started = Instant::now();
        eprint!("{:24}", lab.name);
        let (outcome, tests) = match built.get(&lab.name) {
            Some(binary) => run_tests(binary, Show::Marks)?,
            None => (Outcome::DoesNotCompile, Tests::default()),
        };
        mark_done(lab, outcome == Outcome::Passed)?;
        eprintln!(" {} ({})", outcome.describe(), seconds(started.elapsed()));
        results.push((lab, outcome, tests));
    }
    let score = results
        .iter()
        .filter(|(_, o, _)| *o == Outcome::Passed)
        .count();
    if json {
        let entries: Vec<String> = results
            .iter()
            .map(|(lab, outcome, tests)| {
                let failed: Vec<String> =
                    tests.failed_names.iter().map(|n| json::string(n)).collect();
                format!(
                    "{{\"name\":{},\"section\":{},\"lesson\":{},\"difficulty\":{},\"status\":{},\
                     \"passed\":{},\"tests_passed\":{},\"tests_failed\":{},\"failed_tests\":[{}]}}",
                    json::string(&lab.name),
                    json::string(&lab.section),
                    json::string(&lab.lesson),
                    json::string(&lab.difficulty),
                    json::string(outcome.json()),
                    *outcome == Outcome::Passed,
                    tests.passed,
                    tests.failed,
                    failed.join(",")
                )
            })
            .collect();
        println!(
            "{{\"score\":{score},\"total\":{},\"labs\":[{}]}}",
            labs.len(),
            entries.join(",")
        );
    } else {
        println!("score: {score}/{} labs pass", labs.len());
    }
    Ok(())
}

/// Runs the tests of every lab, `at_once` labs at a time, and returns their outcomes in order.
fn run_labs(
    labs: &[Lab],
    built: &BTreeMap<String, PathBuf>,
    at_once: usize,
) -> Result<Vec<Outcome>> {
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Result<Outcome>>> =
        Mutex::new(labs.iter().map(|_| Ok(Outcome::DoesNotCompile)).collect());
    thread::scope(|s| {
        for _ in 0..at_once {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(lab) = labs.get(i) else { return };
                    if let Some(binary) = built.get(&lab.name) {
                        let outcome = run_tests(binary, Show::Captured).map(|(outcome, _)| outcome);
                        outcomes.lock().unwrap_or_else(|e| e.into_inner())[i] = outcome;
                    }
                }
            });
        }
    });
    outcomes
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect()
}

/// Counts from a test binary's output.
#[derive(Debug, Default)]
struct Tests {
    passed: usize,
    failed: usize,
    failed_names: Vec<String>,
    /// Whether libtest's closing `test result: ...` line came.
    finished: bool,
    /// The tests passed by that line, when it says `ok`.
    summary_passed: Option<usize>,
}

impl Tests {
    /// Whether the run got to its end with at least one test passed and none failed: a process
    /// that ended early (exited from inside a test) or ran no test has not passed.
    fn ran_to_the_end(&self) -> bool {
        self.finished
            && self.failed == 0
            && self.passed > 0
            && self.summary_passed == Some(self.passed)
    }
}

/// How a test run's output is handled while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    /// Passed on to stdout as it comes: each test's name as it starts, its result as it ends.
    Live,
    /// A mark on stderr as each test ends: `.` passed, `F` failed.
    Marks,
    /// Only read.
    Captured,
}

/// Runs a lab's test binary, one test at a time, under the watchdog, and summarises its output.
fn run_tests(binary: &Path, show: Show) -> Result<(Outcome, Tests)> {
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
    let mut child = command.spawn().map_err(|e| failed(binary, e))?;
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
    let exit = wait_within(&mut child, WATCHDOG).map_err(|e| failed(binary, e))?;
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

/// Reads libtest's `test <name> ... ok|FAILED` lines.
fn summarise(output: &str) -> Tests {
    let mut tests = Tests::default();
    for line in output.lines() {
        if let Some(result) = line.strip_prefix("test result: ") {
            tests.finished = true;
            tests.summary_passed = result
                .strip_prefix("ok. ")
                .and_then(|counts| counts.split(' ').next()?.parse().ok());
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

/// Builds the test binaries of the labs named in `only` (all labs if it is empty) and returns
/// them by lab. A lab that does not compile is missing from the map; cargo has printed why.
fn build(features: &[&str], only: &[&str]) -> Result<BTreeMap<String, PathBuf>> {
    let mut command = lab_cargo("build");
    command
        .args(["--message-format=json-render-diagnostics", "--keep-going"])
        .args(features);
    if only.is_empty() {
        command.arg("--tests");
    }
    for name in only {
        command.args(["--test", name]);
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::Failed(format!("could not start cargo: {e}")))?;
    let mut binaries = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if !line.contains("\"reason\":\"compiler-artifact\"")
            || !line.contains("\"kind\":[\"test\"]")
        {
            continue;
        }
        let target = line.find("\"target\":").map_or("", |at| &line[at..]);
        if let (Some(name), Some(executable)) =
            (json_field(target, "name"), json_field(line, "executable"))
        {
            binaries.insert(name, PathBuf::from(executable));
        }
    }
    Ok(binaries)
}

/// The first string value of `"key"` in a line of JSON (cargo's messages are one object a line).
fn json_field(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = json[start..].chars();
    loop {
        match chars.next()? {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let code: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&code, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
}

/// Every listed lab has its three files and its example; no file is unlisted; starters mark
/// their work with TODO and solutions have none left.
fn consistent(labs: &[Lab]) -> Result {
    let dir = labs_dir();
    let manifest = read(&dir.join("Cargo.toml"))?;
    let mut problems = Vec::new();
    for sub in ["exercises", "solutions", "tests"] {
        let entries = std::fs::read_dir(dir.join(sub)).map_err(|e| failed(&dir.join(sub), e))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs").unwrap_or(&name);
            if !labs.iter().any(|l| l.name == stem) {
                problems.push(format!("labs/{sub}/{name} is not in labs/info.toml"));
            }
        }
    }
    for lab in labs {
        for sub in ["exercises", "solutions", "tests"] {
            let path = lab_file(sub, &lab.name);
            match std::fs::read_to_string(&path) {
                Err(_) => problems.push(format!("labs/{sub}/{}.rs is missing", lab.name)),
                Ok(text) if sub == "exercises" && !text.contains("TODO") => problems.push(format!(
                    "labs/{sub}/{}.rs marks no work with TODO",
                    lab.name
                )),
                Ok(text) if sub == "solutions" && text.contains("TODO") => {
                    problems.push(format!("labs/{sub}/{}.rs still has a TODO", lab.name))
                }
                Ok(_) => {}
            }
        }
        if !manifest.contains(&format!("path = \"exercises/{}.rs\"", lab.name)) {
            problems.push(format!(
                "labs/Cargo.toml has no [[example]] for {}",
                lab.name
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(format!(
            "the labs are inconsistent:\n  {}",
            problems.join("\n  ")
        )))
    }
}

/// `cargo <subcommand>` on the labs' workspace; the caller adds the arguments.
fn lab_cargo(subcommand: &str) -> Command {
    let mut command = cargo([subcommand, "--quiet", "--manifest-path"]);
    command.arg(labs_dir().join("Cargo.toml"));
    command
}

/// Runs `command` with its output hidden unless it fails.
fn quiet_stage(name: &str, command: &mut Command) -> Result {
    let output = command.output().map_err(|e| {
        Error::Failed(format!(
            "{name}: could not start {:?}: {e}",
            command.get_program()
        ))
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(Error::Failed(format!(
        "{name} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )))
}

/// `labs/`, or the copy `CHANLAB_LABS_DIR` names (an autograder's checkout of a submission).
fn labs_dir() -> PathBuf {
    std::env::var_os("CHANLAB_LABS_DIR").map_or_else(|| root().join("labs"), PathBuf::from)
}

/// `labs/<sub>/<name>.rs`: a lab's exercise, solution or tests.
fn lab_file(sub: &str, name: &str) -> PathBuf {
    labs_dir().join(sub).join(format!("{name}.rs"))
}

/// The labs `labs/info.toml` lists, in order.
pub(crate) fn load() -> Result<Vec<Lab>> {
    let path = labs_dir().join("info.toml");
    info::parse(&read(&path)?).map_err(|e| Error::Failed(format!("{}: {e}", path.display())))
}

fn find<'a>(labs: &'a [Lab], name: &str) -> Result<&'a Lab> {
    labs.iter().find(|l| l.name == name).ok_or_else(|| {
        let names: Vec<&str> = labs.iter().map(|l| l.name.as_str()).collect();
        Error::Usage(chanlab_common::runner::unknown(
            "lab",
            name,
            "labs/info.toml",
            &names,
        ))
    })
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| failed(path, e))
}

fn failed(path: &Path, error: std::io::Error) -> Error {
    Error::Failed(format!("{}: {error}", path.display()))
}

/// Where `check` and `grade` remember which labs passed, with a hash of the files that passed:
/// an edit after a pass makes the lab pending again.
fn status_file() -> PathBuf {
    labs_dir().join("target/lab-status")
}

/// The hash of what a lab's status depends on: the student's file and the lab's tests.
fn fingerprint(lab: &Lab) -> Option<u64> {
    let mut both = std::fs::read(lab_file("exercises", &lab.name)).ok()?;
    both.extend(std::fs::read(lab_file("tests", &lab.name)).ok()?);
    Some(pristine::hash(&both))
}

fn recorded() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(status_file()).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(name, hash)| (name.to_owned(), hash.to_owned()))
        .collect()
}

fn done_labs(labs: &[Lab]) -> Vec<String> {
    let recorded = recorded();
    labs.iter()
        .filter(|lab| {
            let now = fingerprint(lab).map(|h| format!("{h:016x}"));
            now.is_some() && recorded.get(&lab.name) == now.as_ref()
        })
        .map(|lab| lab.name.clone())
        .collect()
}

fn next_pending(labs: &[Lab]) -> Option<&Lab> {
    let done = done_labs(labs);
    labs.iter().find(|l| !done.contains(&l.name))
}

fn mark_done(lab: &Lab, passed: bool) -> Result {
    let mut recorded = recorded();
    match fingerprint(lab) {
        Some(hash) if passed => recorded.insert(lab.name.clone(), format!("{hash:016x}")),
        _ => recorded.remove(&lab.name),
    };
    let path = status_file();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    }
    let text: String = recorded
        .iter()
        .map(|(name, hash)| format!("{name} {hash}\n"))
        .collect();
    std::fs::write(&path, text).map_err(|e| failed(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fields_are_read_with_their_escapes() {
        let line = r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"ping_pong"},"executable":"C:\\labs\\t \"x\"\u00e9"}"#;
        assert_eq!(json_field(line, "name").as_deref(), Some("ping_pong"));
        assert_eq!(
            json_field(line, "executable").as_deref(),
            Some("C:\\labs\\t \"x\"é")
        );
        assert_eq!(json_field(line, "missing"), None);
    }

    #[test]
    fn a_starter_is_found_in_git_by_its_hash() {
        let want = pristine::expected("exercises/fix_race.rs").expect("recorded");
        let starter = starter_from_git("labs/exercises/fix_race.rs", want).expect("in git");
        assert_eq!(pristine::hash(&starter), want);
        assert!(starter_from_git("labs/exercises/fix_race.rs", want ^ 1).is_err());
    }

    #[test]
    fn test_lines_are_counted() {
        let output = "running 3 tests\ntest a ... ok\ntest b ... FAILED\n\
                      test c - should panic ... FAILED\ntest result: FAILED.";
        let tests = summarise(output);
        assert_eq!((tests.passed, tests.failed), (1, 2));
        assert_eq!(tests.failed_names, ["b", "c"]);
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
