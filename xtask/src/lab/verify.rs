//! `cargo xtask lab verify`, the labs stage of `cargo xtask test`: the labs are consistent and
//! untouched, all of it is rustfmt- and clippy-clean, every starter compiles and fails its tests,
//! every solution passes its tests and its model, and every kept wrong answer (`labs/wrong/`) is
//! rejected. It says what it is doing as it goes.
//!
//! A wrong answer is `labs/wrong/<lab>_<mistake>.rs`: the lab's solution with one plausible
//! mistake, opening with a one-line comment that names it. They are checked in rounds, in a copy
//! of the labs workspace (`labs/target/wrong-answers`) whose exercises are the round's wrong
//! answers; its packages are renamed, so that it can build in the course's target directory
//! (sharing the dependencies) without either build taking the other's binaries for its own.

use super::compile::{Build, Diagnostics};
use super::outcome::{Outcome, Show, Tests, run_tests};
use super::{Lab, consistent, has_model, lab_file, labs_dir, load, pristine};
use crate::cargo::{seconds, timed};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

/// The wrong answers' copy of the workspace, and its packages' names there.
const SCRATCH: &str = "target/wrong-answers";
const SCRATCH_LABS: &str = "chanlab-labs-wrong-answers";
const SCRATCH_MODELS: &str = "chanlab-lab-models-wrong-answers";

/// Runs the stage; with `messages`, also says how each wrong answer was rejected (the first line
/// of its first failure), for course authors.
pub fn verify(messages: bool) -> Result {
    timed("labs", || verify_labs(messages))
}

fn verify_labs(messages: bool) -> Result {
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
    let wrong = wrong_answers(&labs)?;
    let mut problems = Vec::new();

    let stage = Stage::start("rustfmt and clippy");
    stage.note("checking…");
    clean(&labs, &wrong)?;
    stage.end("clean");

    // Starters only have to fail, and most of their time is spent waiting for a deadline: they run
    // a few at once. Solutions have timing tests to pass: one at a time.
    let names: Vec<&str> = labs.iter().map(|l| l.name.as_str()).collect();
    for (what, solutions, at_once, expected) in [
        ("starters", false, 4, Outcome::Failed),
        ("solutions", true, 1, Outcome::Passed),
    ] {
        let stage = Stage::start(&format!("{} {what}", labs.len()));
        stage.note("building…");
        let built = Build::course("chanlab-labs", solutions, Diagnostics::Errors).run(&[])?;
        stage.note("built; ran");
        for (name, outcome, _) in run_all(&names, &built, at_once, &stage) {
            if outcome != expected {
                problems.push(format!("{what}: {name} {}", outcome.describe()));
            }
        }
        stage.end(if expected == Outcome::Passed {
            "all pass"
        } else {
            "all fail"
        });
    }

    let modelled: Vec<&str> = names.iter().copied().filter(|n| has_model(n)).collect();
    if !modelled.is_empty() {
        let stage = Stage::start(&format!("{} loom models of the solutions", modelled.len()));
        stage.note("building…");
        let built =
            Build::course("chanlab-lab-models", true, Diagnostics::Errors).run(&modelled)?;
        stage.note("built; ran");
        for (name, outcome, _) in run_all(&modelled, &built, 1, &stage) {
            if outcome != Outcome::Passed {
                problems.push(format!(
                    "the model of {name}'s solution {}",
                    outcome.describe()
                ));
            }
        }
        stage.end("all pass");
    }

    let rejected = reject_wrong_answers(&wrong, &mut problems, messages)?;
    if !problems.is_empty() {
        return Err(Error::Failed(format!(
            "every starter must compile and fail its tests, every solution pass them and its \
             model, every wrong answer compile and be rejected:\n  {}",
            problems.join("\n  ")
        )));
    }
    eprintln!(
        "labs: {} starters fail, {} solutions pass, {rejected} wrong answers are rejected",
        labs.len(),
        labs.len(),
    );
    Ok(())
}

/// A wrong answer: its lab, its file and the mistake its first line names.
pub struct WrongAnswer {
    pub lab: String,
    pub path: PathBuf,
    pub mistake: String,
}

/// The files of `labs/wrong/`, each with its lab (the longest lab name that, with an underscore,
/// begins its file name) and its mistake. Fails naming the files that fit no lab, or lack the
/// opening comment, and the labs with fewer than two.
pub fn wrong_answers(labs: &[Lab]) -> Result<Vec<WrongAnswer>> {
    let dir = labs_dir().join("wrong");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Error::Failed(format!("{}: {e}", dir.display())))?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let stem = stem.unwrap_or_default();
        let lab = labs
            .iter()
            .filter(|l| stem.starts_with(&format!("{}_", l.name)))
            .max_by_key(|l| l.name.len());
        let first = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| t.lines().next().map(str::to_owned))
            .unwrap_or_default();
        match (lab, first.strip_prefix("// ")) {
            (None, _) => problems.push(format!(
                "labs/wrong/{stem}.rs: its name does not start with a lab's (<lab>_<mistake>.rs)"
            )),
            (Some(_), None) => problems.push(format!(
                "labs/wrong/{stem}.rs: its first line must be a `// ` comment naming its mistake"
            )),
            (Some(lab), Some(mistake)) => answers.push(WrongAnswer {
                lab: lab.name.clone(),
                path,
                mistake: mistake.to_owned(),
            }),
        }
    }
    for lab in labs {
        let count = answers.iter().filter(|a| a.lab == lab.name).count();
        if count < 2 {
            problems.push(format!(
                "{} has {count} wrong answer(s) in labs/wrong/; every lab needs at least two",
                lab.name
            ));
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(Error::Failed(format!(
            "the wrong answers are inconsistent:\n  {}",
            problems.join("\n  ")
        )))
    }
}

/// rustfmt over every lab file, clippy over the starters, the solutions and the models.
fn clean(labs: &[Lab], wrong: &[WrongAnswer]) -> Result {
    let dir = labs_dir();
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["src", "models/src", "models/tests"] {
        let entries = std::fs::read_dir(dir.join(sub)).into_iter().flatten();
        files.extend(entries.flatten().map(|e| e.path()));
    }
    files.push(dir.join("models/build.rs"));
    for lab in labs {
        for sub in ["exercises", "solutions", "tests"] {
            files.push(lab_file(sub, &lab.name));
        }
    }
    files.extend(wrong.iter().map(|w| w.path.clone()));
    quiet(
        "rustfmt",
        Command::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .args(&files),
    )?;
    let deny = ["--", "-D", "warnings"];
    quiet(
        "clippy (starters)",
        super::lab_cargo("clippy")
            .args(["--tests", "--examples"])
            .args(deny),
    )?;
    quiet(
        "clippy (solutions and models)",
        super::lab_cargo("clippy")
            .args(["--workspace", "--tests", "--features", "solutions"])
            .args(deny),
    )
}

/// Runs the tests of each lab in `names` (those that built), `at_once` labs at a time, naming
/// each on `stage` as it ends; returns the outcomes in order.
fn run_all<'a>(
    names: &[&'a str],
    built: &BTreeMap<String, PathBuf>,
    at_once: usize,
    stage: &Stage,
) -> Vec<(&'a str, Outcome, Tests)> {
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<(Outcome, Tests)>> =
        Mutex::new(vec![
            (Outcome::DoesNotCompile, Tests::default());
            names.len()
        ]);
    thread::scope(|s| {
        for _ in 0..at_once {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(name) = names.get(i) else { return };
                    let outcome = match built.get(*name) {
                        Some(binary) => run_tests(binary, Show::Captured)
                            .unwrap_or((Outcome::Failed, Tests::default())),
                        None => (Outcome::DoesNotCompile, Tests::default()),
                    };
                    outcomes.lock().unwrap_or_else(|e| e.into_inner())[i] = outcome;
                    stage.note(name);
                }
            });
        }
    });
    let outcomes = outcomes.into_inner().unwrap_or_else(|e| e.into_inner());
    names
        .iter()
        .copied()
        .zip(outcomes)
        .map(|(name, (outcome, tests))| (name, outcome, tests))
        .collect()
}

/// Checks the wrong answers in rounds (a round takes at most one per lab); returns how many were
/// rejected, and adds a problem for each that was not.
fn reject_wrong_answers(
    wrong: &[WrongAnswer],
    problems: &mut Vec<String>,
    messages: bool,
) -> Result<usize> {
    let scratch = scratch_workspace()?;
    let mut rounds: Vec<Vec<&WrongAnswer>> = Vec::new();
    for answer in wrong {
        match rounds
            .iter_mut()
            .find(|round| !round.iter().any(|a| a.lab == answer.lab))
        {
            Some(round) => round.push(answer),
            None => rounds.push(vec![answer]),
        }
    }
    let build = |package: &str, diagnostics| Build {
        dir: scratch.clone(),
        package: package.to_owned(),
        solutions: false,
        target_dir: Some(labs_dir().join("target")),
        shown_as: format!("labs/{SCRATCH}"),
        diagnostics,
    };
    let mut rejected = 0;
    for (number, round) in rounds.iter().enumerate() {
        let stage = Stage::start(&format!(
            "wrong answers, round {} of {} ({})",
            number + 1,
            rounds.len(),
            round.len()
        ));
        stage.note("building…");
        for answer in round {
            let text = std::fs::read(&answer.path)
                .map_err(|e| Error::Failed(format!("{}: {e}", answer.path.display())))?;
            write_if_changed(
                &scratch.join("exercises").join(format!("{}.rs", answer.lab)),
                &text,
            )?;
        }
        let names: Vec<&str> = round.iter().map(|a| a.lab.as_str()).collect();
        let built = build(SCRATCH_LABS, Diagnostics::Errors).run(&names)?;
        stage.note("built; ran");
        let mut outcomes = run_all(&names, &built, 4, &stage);
        // An answer that passes its tests may still fail its lab's model.
        let passed: Vec<&str> = outcomes
            .iter()
            .filter(|(name, outcome, _)| *outcome == Outcome::Passed && has_model(name))
            .map(|(name, _, _)| *name)
            .collect();
        if !passed.is_empty() {
            let models = build(SCRATCH_MODELS, Diagnostics::Hidden).run(&passed)?;
            for (name, outcome, tests) in run_all(&passed, &models, 1, &stage) {
                if outcome == Outcome::Failed {
                    for entry in outcomes.iter_mut().filter(|(n, _, _)| *n == name) {
                        (entry.1, entry.2) = (Outcome::Failed, tests.clone());
                    }
                }
            }
        }
        let mut explained = Vec::new();
        for (answer, (_, outcome, tests)) in round.iter().zip(&outcomes) {
            let file = answer
                .path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy();
            match outcome {
                Outcome::Failed => {
                    rejected += 1;
                    let why = tests.messages.first().map_or("", String::as_str);
                    explained.push(format!("  labs/wrong/{file}: {why}"));
                }
                Outcome::Passed => problems.push(format!(
                    "labs/wrong/{file} passes every test of {}: nothing catches its mistake ({})",
                    answer.lab, answer.mistake
                )),
                other => problems.push(format!(
                    "labs/wrong/{file} {}: a wrong answer must compile, and fail within its \
                     tests' deadlines",
                    other.describe()
                )),
            }
        }
        stage.end("rejected");
        if messages {
            eprintln!("{}", explained.join("\n"));
        }
    }
    Ok(rejected)
}

/// Brings the wrong answers' copy of the workspace up to date with the course's (exercises:
/// the solutions), with its packages renamed; returns its directory.
fn scratch_workspace() -> Result<PathBuf> {
    let (from, to) = (labs_dir(), labs_dir().join(SCRATCH));
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| Error::Failed(format!("{}: {e}", path.display())))
    };
    let rename = |manifest: &str, name: &str, to: &str| -> Result<Vec<u8>> {
        let text = String::from_utf8_lossy(&read(&from.join(manifest))?).into_owned();
        let renamed = text.replacen(
            &format!("name = \"{name}\""),
            &format!("name = \"{to}\""),
            1,
        );
        Ok(renamed.into_bytes())
    };
    let mut labs_manifest = rename("Cargo.toml", "chanlab-labs", SCRATCH_LABS)?;
    labs_manifest.extend_from_slice(b"\n[lib]\nname = \"chanlab_labs\"\n");
    write_if_changed(&to.join("Cargo.toml"), &labs_manifest)?;
    write_if_changed(
        &to.join("models/Cargo.toml"),
        &rename("models/Cargo.toml", "chanlab-lab-models", SCRATCH_MODELS)?,
    )?;
    if !to.join("Cargo.lock").exists() {
        write_if_changed(&to.join("Cargo.lock"), &read(&from.join("Cargo.lock"))?)?;
    }
    for (sub, into) in [
        ("src", "src"),
        ("tests", "tests"),
        ("models/src", "models/src"),
        ("models/tests", "models/tests"),
        ("solutions", "exercises"),
    ] {
        let entries = std::fs::read_dir(from.join(sub))
            .map_err(|e| Error::Failed(format!("{}: {e}", from.join(sub).display())))?;
        for entry in entries.flatten() {
            write_if_changed(
                &to.join(into).join(entry.file_name()),
                &read(&entry.path())?,
            )?;
        }
    }
    write_if_changed(
        &to.join("models/build.rs"),
        &read(&from.join("models/build.rs"))?,
    )?;
    Ok(to)
}

/// Writes `bytes` to `path` unless it holds them already: an unchanged file keeps its time, so
/// cargo does not build it again.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result {
    if std::fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Failed(format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::Failed(format!("{}: {e}", path.display())))
}

/// Runs `command` with its output hidden unless it fails.
fn quiet(name: &str, command: &mut Command) -> Result {
    let output = command.output().map_err(|e| {
        Error::Failed(format!(
            "labs: {name}: could not start {:?}: {e}",
            command.get_program()
        ))
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(Error::Failed(format!(
        "labs: {name} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )))
}

/// A stage of the labs check on one line of its own: what it is, then each thing as it is done,
/// then its time.
struct Stage {
    started: Instant,
}

impl Stage {
    fn start(what: &str) -> Stage {
        eprint!("labs: {what}:");
        let _ = std::io::stderr().flush();
        Stage {
            started: Instant::now(),
        }
    }

    fn note(&self, what: &str) {
        eprint!(" {what}");
        let _ = std::io::stderr().flush();
    }

    fn end(self, how: &str) {
        eprintln!(" — {how} ({})", seconds(self.started.elapsed()));
    }
}
