//! Running cargo, and what the commands share: the workspace root, the lessons in it, a stage of
//! the suite, a child process waited for with a deadline.

use crate::{Error, Result};
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

/// The lessons in tour order: the one list of them. Each is the crate `crates/<lesson>`
/// (`chanlab-<lesson>`); `list`, `run`, `test` and the book's check follow this list, and the
/// tests below name every other file that must list a lesson too (see ARCHITECTURE.md, "Adding a
/// lesson").
pub const LESSONS: &[&str] = &[
    "channels", "select", "sync", "patterns", "fetchall", "server", "tasks",
];

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_owned()
}

/// `name` if it is a lesson, else a usage error listing the lessons.
pub fn lesson(name: &str) -> Result<&'static str> {
    LESSONS.iter().copied().find(|l| *l == name).ok_or_else(|| {
        Error::Usage(chanlab_common::runner::unknown(
            "lesson", name, "chanlab", LESSONS,
        ))
    })
}

/// A `cargo` command run from the workspace root, with the cargo that runs xtask.
///
/// When a person watches (standard error is a terminal), cargo shows its progress bar even under
/// `--quiet`: a long build is never silent, and the bar clears itself, so a quick one still
/// prints nothing.
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    if io::stderr().is_terminal() {
        // `always` needs a width: the shell's, when it says, else one that fits any terminal.
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<u16>().ok())
            .map_or(60, |c| c.clamp(20, 120));
        command.args([
            "--config".to_owned(),
            "term.progress.when='always'".to_owned(),
            "--config".to_owned(),
            format!("term.progress.width={width}"),
        ]);
    }
    command.args(args);
    // Cargo tells a program it runs which package it is (CARGO_PKG_NAME, CARGO_MANIFEST_DIR...),
    // and some build scripts (ring's) rebuild their crate when those change: a cargo started
    // with them, from `cargo xtask` or from a test of xtask, would rebuild half the workspace
    // that a cargo started from a shell has just built. Started without them, both agree.
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(is_package_variable) {
            command.env_remove(key);
        }
    }
    command
}

/// Whether `key` is one of the variables cargo sets for the package it runs.
fn is_package_variable(key: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || [
            "CARGO_CRATE_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
            "OUT_DIR",
        ]
        .contains(&key)
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

/// Runs one stage of the suite, a command, naming it when it fails.
pub fn stage(name: &str, command: &mut Command) -> Result {
    timed(name, || {
        status(command).map_err(|e| match e {
            Error::Status(_) => Error::Failed(format!("stage {name} failed")),
            other => other,
        })
    })
}

/// Runs `body`, one stage of a longer command, between a line naming it as it starts and a line
/// with its outcome and time as it ends.
pub fn timed<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("==> {name}");
    let start = Instant::now();
    let result = body();
    let outcome = if result.is_ok() { "done" } else { "failed" };
    eprintln!("==> {name}: {outcome} in {}", seconds(start.elapsed()));
    result
}

/// A duration as people say it: `0.4s`, `12s`, `3m 05s`.
pub fn seconds(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 10.0 {
        format!("{secs:.1}s")
    } else if secs < 60.0 {
        format!("{secs:.0}s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

/// Waits for `child` until `deadline` has passed; past it, kills the child and returns `None`.
pub fn wait_within(child: &mut Child, deadline: Duration) -> io::Result<Option<ExitStatus>> {
    let give_up = Instant::now() + deadline;
    loop {
        if let Some(exit) = child.try_wait()? {
            return Ok(Some(exit));
        }
        if Instant::now() >= give_up {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::{LESSONS, is_package_variable, root, seconds};
    use std::fs;
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(seconds(Duration::from_millis(420)), "0.4s");
        assert_eq!(seconds(Duration::from_millis(12_400)), "12s");
        assert_eq!(seconds(Duration::from_secs(185)), "3m 05s");
    }

    #[test]
    fn a_nested_cargo_leaves_out_what_cargo_says_about_the_package_it_runs() {
        for key in [
            "CARGO_PKG_NAME",
            "CARGO_MANIFEST_DIR",
            "CARGO_BIN_EXE_xtask",
            "OUT_DIR",
        ] {
            assert!(is_package_variable(key), "{key}");
        }
        for key in [
            "CARGO",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "RUSTFLAGS",
            "PATH",
        ] {
            assert!(!is_package_variable(key), "{key}");
        }
    }

    /// The crates in `crates/` that are lessons: every one but the shared `common`.
    fn lesson_crates() -> Vec<String> {
        let mut crates: Vec<String> = fs::read_dir(root().join("crates"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|dir| dir.join("Cargo.toml").is_file())
            .map(|dir| dir.file_name().unwrap().to_string_lossy().into_owned())
            .filter(|name| name != "common")
            .collect();
        crates.sort();
        crates
    }

    #[test]
    fn lessons_are_the_lesson_crates() {
        let crates = lesson_crates();
        for krate in &crates {
            assert!(
                LESSONS.contains(&krate.as_str()),
                "crates/{krate} is a lesson crate missing from LESSONS in xtask/src/cargo.rs: \
                 add it at its place in the tour"
            );
        }
        for lesson in LESSONS {
            assert!(
                crates.iter().any(|c| c == lesson),
                "LESSONS in xtask/src/cargo.rs names {lesson}, but crates/{lesson}/Cargo.toml \
                 does not exist"
            );
        }
    }

    /// A file that must name each lesson, since it cannot derive from `LESSONS`.
    struct Place {
        file: &'static str,
        /// The text that names `lesson` there.
        entry: fn(lesson: &str) -> String,
        /// What to add, for the failure message.
        what: &'static str,
    }

    const PLACES: &[Place] = &[
        Place {
            file: "Cargo.toml",
            entry: |l| format!("chanlab-{l} = {{ path = \"crates/{l}\""),
            what: "a [workspace.dependencies] entry, version and default-features = false",
        },
        Place {
            file: "hardening/Cargo.toml",
            entry: |l| format!("chanlab-{l} = {{ workspace = true, features = [\"lesson\"] }}"),
            what: "a [dev-dependencies] entry",
        },
        Place {
            file: "hardening/tests/stress.rs",
            entry: |l| format!("&chanlab_{l}::LESSON"),
            what: "an entry in LESSONS, its steps in STEPS and a #[test] that stresses it",
        },
        Place {
            file: "README.md",
            entry: |l| format!("| [`{l}`](crates/{l}) |"),
            what: "a row in the lesson table",
        },
    ];

    /// Every file that cannot derive from `LESSONS` names each lesson: the failure says where
    /// and what to add.
    #[test]
    fn every_list_of_lessons_names_each_lesson() {
        let mut missing = Vec::new();
        for place in PLACES {
            let text = fs::read_to_string(root().join(place.file)).unwrap();
            for lesson in LESSONS {
                let entry = (place.entry)(lesson);
                if !text.contains(&entry) {
                    missing.push(format!(
                        "{}: {} for {lesson}: `{entry}`",
                        place.file, place.what
                    ));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "a lesson is missing from a list (see ARCHITECTURE.md, \"Adding a lesson\"):\n  {}",
            missing.join("\n  ")
        );
    }

    /// The `.rs` files under `dir`, at any depth.
    fn rust_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// A published crate holds only its own folder, so a file it includes from outside would be
    /// missing from the package (`cargo package --no-verify` does not compile it to notice).
    #[test]
    fn no_crate_includes_a_file_from_outside_its_folder() {
        let mut outside = Vec::new();
        for krate in lesson_crates().into_iter().chain(["common".to_owned()]) {
            let dir = root().join("crates").join(&krate);
            let mut files = Vec::new();
            rust_files(&dir, &mut files);
            for file in files {
                let text = fs::read_to_string(&file).unwrap();
                for opener in [
                    "include_str!(\"",
                    "include_bytes!(\"",
                    "include!(\"",
                    "#[path = \"",
                ] {
                    for (_, rest) in text
                        .match_indices(opener)
                        .map(|(i, _)| text.split_at(i + opener.len()))
                    {
                        let target = rest.split('"').next().unwrap();
                        let path = file.parent().unwrap().join(target);
                        let inside = path.canonicalize().is_ok_and(|p| p.starts_with(&dir));
                        if !inside {
                            outside.push(format!("{}: {target}", file.display()));
                        }
                    }
                }
            }
        }
        assert!(
            outside.is_empty(),
            "crates include files from outside their folder, which a package would lack:\n  {}",
            outside.join("\n  ")
        );
    }

    /// `[lib] test = false` spares `cargo test` an empty run of a library without unit tests; a
    /// unit test added to one would be skipped unnoticed, so none may be, except the loom models
    /// (`mod models` under `cfg(all(test, chanlab_loom))`, which `cargo xtask loom` runs by `--lib`).
    #[test]
    fn a_lib_left_out_of_cargo_test_has_no_unit_tests() {
        let mut skipped = Vec::new();
        for dir in ["crates", "bench"]
            .iter()
            .flat_map(|d| fs::read_dir(root().join(d)).unwrap())
        {
            let dir = dir.unwrap().path();
            let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            let lib = manifest.split("[lib]").nth(1).unwrap_or_default();
            let lib = lib.split("\n[").next().unwrap_or_default();
            if !lib.contains("test = false") {
                continue;
            }
            let mut files = Vec::new();
            rust_files(&dir.join("src"), &mut files);
            for file in files {
                let text = fs::read_to_string(&file).unwrap();
                let outside_models = match text.split_once("#[cfg(all(test, chanlab_loom))]") {
                    Some((before, _)) => before,
                    None => &text,
                };
                if outside_models.contains("#[test]") {
                    skipped.push(file.display().to_string());
                }
            }
        }
        assert!(
            skipped.is_empty(),
            "unit tests in a lib whose Cargo.toml says [lib] test = false, which cargo test \
             skips: remove that line, or move the tests to tests/:\n  {}",
            skipped.join("\n  ")
        );
    }
}
