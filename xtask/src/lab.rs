//! `cargo xtask lab`: the course labs in `labs/` — list them, hint, check a student's work, show a
//! solution, reset a starter, grade them all.
//!
//! `labs/` is a cargo workspace of its own (its starters fail their tests on purpose). Each lab's
//! tests are a test target built against `exercises/<lab>.rs`, or against `solutions/<lab>.rs`
//! with the `solutions` feature. Tests are built once by cargo and their binaries run directly,
//! one test at a time (`--test-threads=1`: several labs measure time or count threads) and under
//! a watchdog, so no lab can hang the checker.

mod compile;
pub(crate) mod info;
mod outcome;
mod pristine;
mod verify;
mod watch;

use crate::cargo::{cargo, root, seconds, status};
use crate::json;
use crate::{Error, Result};
use compile::{Build, Diagnostics};
use info::Lab;
use outcome::{Outcome, Show, Tests, run_tests};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

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
  verify [--messages] for course authors: every starter fails, every solution passes, every
                      wrong answer in labs/wrong/ is rejected, all clean (the labs stage of
                      `cargo xtask test`); --messages: how each wrong answer was rejected";

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
        ["verify"] => verify::verify(false),
        ["verify", "--messages"] => verify::verify(true),
        [command, ..] if !SUBCOMMANDS.contains(&command) => Err(Error::Usage(
            chanlab_common::runner::unknown("lab command", command, "cargo xtask lab", SUBCOMMANDS),
        )),
        _ => Err(Error::Usage(USAGE.into())),
    }
}

const SUBCOMMANDS: &[&str] = &[
    "watch", "list", "hint", "check", "run", "solution", "reset", "grade", "verify",
];

/// The labs stage of `cargo xtask test`: see [`verify`].
pub fn verify() -> Result {
    verify::verify(false)
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
    let built = Build::course("chanlab-labs", false, Diagnostics::All).run(&[&lab.name])?;
    let (mut outcome, mut tests) = match built.get(&lab.name) {
        Some(binary) => run_tests(binary, Show::Live)?,
        None => (Outcome::DoesNotCompile, Tests::default()),
    };
    if outcome == Outcome::Passed && has_model(&lab.name) {
        println!(
            "\nThe tests pass. Now every interleaving of a few threads, with loom \
             (labs/models/tests/{}.rs):",
            lab.name
        );
        let models = Build::course("chanlab-lab-models", false, Diagnostics::Hidden);
        match models.run(&[&lab.name])?.get(&lab.name) {
            Some(binary) => (outcome, tests) = run_tests(binary, Show::Live)?,
            None => println!(
                "(skipped: your code does not build with loom's locks and atomics in place of \
                 std's)"
            ),
        }
    }
    if outcome == Outcome::Passed {
        mark_done(lab, true)?;
        record_failures(lab, &[])?;
        println!("\n✓ {} passes.", lab.name);
        if let Some(next) = next_pending(labs) {
            println!("next: {0} — `cargo xtask lab check {0}`", next.name);
        }
        return Ok(());
    }
    mark_done(lab, false)?;
    let cut_short = !tests.finished || tests.passed + tests.failed == 0;
    let why = match outcome {
        Outcome::DoesNotCompile => "does not compile (see the errors above)",
        Outcome::TimedOut => "was stopped after the checker's watchdog ran out",
        _ if cut_short => {
            "did not run its tests to the end (did the code end the process, or were the tests \
             left out?)"
        }
        _ => "fails its tests (see above which, and why)",
    };
    println!("\n✗ {} {why}.", lab.name);
    if outcome == Outcome::DoesNotCompile {
        // A compiler error says what to fix; a hint about the lab's idea would only distract.
        return Err(Error::Status(1));
    }
    let failing = match outcome {
        Outcome::TimedOut => vec!["(watchdog)".to_owned()],
        _ if cut_short => vec!["(cut short)".to_owned()],
        _ => tests.failed_names.clone(),
    };
    if record_failures(lab, &failing)? {
        println!("\nhint: {}", lab.hint);
    } else {
        println!(
            "(`cargo xtask lab hint {}` gives a hint; a test that fails twice in a row shows it \
             here.)",
            lab.name
        );
    }
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
    let built = Build::course("chanlab-labs", false, Diagnostics::All).run(&names)?;
    let modelled: Vec<&str> = names.iter().copied().filter(|n| has_model(n)).collect();
    let models = if modelled.is_empty() {
        BTreeMap::new()
    } else {
        Build::course("chanlab-lab-models", false, Diagnostics::Hidden).run(&modelled)?
    };
    eprintln!("compiled in {}", seconds(started.elapsed()));
    let mut results = Vec::new();
    for lab in labs {
        let started = Instant::now();
        eprint!("{:24}", lab.name);
        let (mut outcome, mut tests) = match built.get(&lab.name) {
            Some(binary) => run_tests(binary, Show::Marks)?,
            None => (Outcome::DoesNotCompile, Tests::default()),
        };
        if let (Outcome::Passed, Some(model)) = (outcome, models.get(&lab.name)) {
            let (model_outcome, model_tests) = run_tests(model, Show::Marks)?;
            if model_outcome != Outcome::Passed {
                outcome = model_outcome;
                tests.failed += model_tests.failed;
                tests.failed_names.extend(model_tests.failed_names);
            }
        }
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

/// Every listed lab has its three files and its example; no file is unlisted; starters mark
/// their work with TODO and solutions have none left.
fn consistent(labs: &[Lab]) -> Result {
    let dir = labs_dir();
    let manifest = read(&dir.join("Cargo.toml"))?;
    let mut problems = Vec::new();
    for sub in ["exercises", "solutions", "tests", "models/tests"] {
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

/// Whether the lab has a loom model, in `labs/models/tests/<lab>.rs`.
fn has_model(name: &str) -> bool {
    labs_dir()
        .join("models/tests")
        .join(format!("{name}.rs"))
        .exists()
}

/// Records the tests of `lab` that failed this time (none: it passed), and says whether one of
/// them had failed the time before too: a student who stays stuck on a test gets the hint.
fn record_failures(lab: &Lab, failing: &[String]) -> Result<bool> {
    let path = labs_dir().join("target/lab-failures");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut records: BTreeMap<String, Vec<String>> = text
        .lines()
        .filter_map(|l| {
            let mut words = l.split(' ');
            let name = words.next()?.to_owned();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect();
    let before = records.remove(&lab.name).unwrap_or_default();
    let repeated = failing.iter().any(|t| before.contains(t));
    if !failing.is_empty() {
        records.insert(lab.name.clone(), failing.to_vec());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    }
    let text: String = records
        .iter()
        .map(|(name, tests)| format!("{name} {}\n", tests.join(" ")))
        .collect();
    std::fs::write(&path, text).map_err(|e| failed(&path, e))?;
    Ok(repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_starter_is_found_in_git_by_its_hash() {
        let want = pristine::expected("exercises/fix_race.rs").expect("recorded");
        let starter = starter_from_git("labs/exercises/fix_race.rs", want).expect("in git");
        assert_eq!(pristine::hash(&starter), want);
        assert!(starter_from_git("labs/exercises/fix_race.rs", want ^ 1).is_err());
    }
}
