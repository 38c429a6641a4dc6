//! `cargo xtask soak [--fuzz-seconds N] [--no-fuzz]`: the full hardening suite, for release
//! checks. It runs `hardening/`'s cases at full size (a thousand connections for a million
//! requests, nine hundred slow clients, thirty thousand malformed requests, every lesson step
//! eight at a time for five rounds), the loom models at their full bound, and each fuzz target
//! of `fuzz/` for a while. Every case prints its figures.
//!
//! `cargo xtask test` runs the short form ([`short`]): the same cases, smaller, in a few minutes.
//! Both run the tests one at a time, since the cases count the process's threads and memory.

use crate::cargo::{cargo, root, stage, status};
use crate::{Error, Result};
use std::path::Path;
use std::process::{Command, Stdio};

/// The crate whose tests are the suite.
const PACKAGE: &str = "chanlab-hardening";

/// The variable that sizes the cases (`chanlab_hardening::SOAK_VAR`).
const SOAK_VAR: &str = "CHANLAB_SOAK";

/// The targets in `fuzz/`.
const FUZZ_TARGETS: &[&str] = &["request_head", "query"];

/// How long each fuzz target runs unless told.
const FUZZ_SECONDS: u64 = 300;

/// An input the target takes longer than this on is reported as a hang, in seconds.
const FUZZ_HANG_SECONDS: u64 = 10;

const USAGE: &str = "usage: cargo xtask soak [--fuzz-seconds N] [--no-fuzz]";

/// Runs the full suite: the cases at full size, the loom models, the fuzz targets.
pub fn run(args: &[String]) -> Result {
    let mut fuzz_seconds = Some(FUZZ_SECONDS);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-fuzz" => fuzz_seconds = None,
            "--fuzz-seconds" => {
                let seconds = args.next().and_then(|s| s.parse().ok()).filter(|s| *s > 0);
                fuzz_seconds = Some(seconds.ok_or_else(|| {
                    Error::Usage(format!(
                        "--fuzz-seconds takes a whole number above 0\n{USAGE}"
                    ))
                })?);
            }
            other => return Err(Error::Usage(format!("unknown argument {other:?}\n{USAGE}"))),
        }
    }
    // Fail early, before the long stages, if the fuzzer cannot run.
    if fuzz_seconds.is_some() && !cargo_fuzz_installed() {
        return Err(Error::Failed(
            "cargo-fuzz is not installed: `cargo install cargo-fuzz` (it also needs a nightly \
             toolchain), or skip fuzzing with `cargo xtask soak --no-fuzz`"
                .into(),
        ));
    }
    stage("hardening (soak)", suite().env(SOAK_VAR, "1"))?;
    crate::loom::run(&[])?;
    if let Some(seconds) = fuzz_seconds {
        for target in FUZZ_TARGETS {
            fuzz(target, seconds)?;
        }
    }
    Ok(())
}

/// The part of `cargo xtask test` this command owns: the suite's short form.
pub fn short() -> Result {
    stage("hardening (short)", suite().env_remove(SOAK_VAR))
}

/// The suite's tests, one at a time, their figures shown.
fn suite() -> Command {
    let mut command = cargo(["test", "--quiet", "--package", PACKAGE]);
    command.args(["--", "--nocapture", "--test-threads=1"]);
    command
}

/// The rustup proxy's `cargo`, which understands `+nightly`, whatever cargo runs xtask.
fn nightly_cargo() -> Command {
    let mut command = Command::new("cargo");
    command
        .arg("+nightly")
        .current_dir(root())
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .env_remove("RUSTUP_TOOLCHAIN");
    command
}

fn cargo_fuzz_installed() -> bool {
    nightly_cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs one fuzz target for `seconds`, its corpus kept in `fuzz/corpus/<target>` (seeded from
/// `fuzz/seeds/<target>`), libFuzzer's log in `target/fuzz/<target>.log`; prints its figures.
fn fuzz(target: &str, seconds: u64) -> Result {
    let root = root();
    let corpus = Path::new("fuzz/corpus").join(target);
    let log_path = root.join("target/fuzz").join(format!("{target}.log"));
    let failed = |e: std::io::Error| Error::Failed(format!("fuzz {target}: {e}"));
    std::fs::create_dir_all(root.join(&corpus)).map_err(failed)?;
    std::fs::create_dir_all(log_path.parent().expect("a directory")).map_err(failed)?;
    let log = std::fs::File::create(&log_path).map_err(failed)?;
    eprintln!(
        "==> fuzz {target} for {seconds}s (log: {})",
        log_path.display()
    );
    // cargo-fuzz's build output and libFuzzer's log both go to stderr: to the log.
    let result = status(
        nightly_cargo()
            .args(["fuzz", "run", target])
            .arg(&corpus)
            .arg(Path::new("fuzz/seeds").join(target))
            .arg("--")
            .arg("-dict=fuzz/http.dict")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-timeout={FUZZ_HANG_SECONDS}"))
            .stderr(log),
    );
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let summary = FuzzSummary::read(&log);
    println!("== fuzz {target} [soak]");
    println!("   executions  {}", summary.runs.as_deref().unwrap_or("?"));
    println!("   seconds     {seconds}");
    println!("   final line  {}", summary.last.as_deref().unwrap_or("?"));
    match result {
        Ok(()) => {
            println!("   findings    none");
            Ok(())
        }
        Err(_) => {
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            Err(Error::Failed(format!(
                "fuzz {target} found a problem (artifact in fuzz/artifacts/{target}/); \
                 the end of its log:\n{}",
                tail.join("\n")
            )))
        }
    }
}

/// What libFuzzer's log says at the end.
#[derive(Debug, Default, PartialEq)]
struct FuzzSummary {
    /// Executions, from `Done N runs in S second(s)`.
    runs: Option<String>,
    /// The last status line (`#N DONE cov: ... exec/s: ...`).
    last: Option<String>,
}

impl FuzzSummary {
    fn read(log: &str) -> FuzzSummary {
        let runs = log.lines().rev().find_map(|l| {
            let rest = l.strip_prefix("Done ")?;
            Some(rest.split_once(" runs")?.0.to_owned())
        });
        let last = log
            .lines()
            .rev()
            .find(|l| l.starts_with('#') && l.contains("cov:"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
        FuzzSummary { runs, last }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_libfuzzer_log_gives_its_executions() {
        let log = "#1048576\tpulse  cov: 1060 ft: 4209 corp: 1374/217Kb exec/s: 80659 rss: 532Mb\n\
                   #2245350\tDONE   cov: 1073 ft: 4577 corp: 1577/381Kb exec/s: 72430 rss: 532Mb\n\
                   Done 2245350 runs in 31 second(s)\n";
        let summary = FuzzSummary::read(log);
        assert_eq!(summary.runs.as_deref(), Some("2245350"));
        assert_eq!(
            summary.last.as_deref(),
            Some("#2245350 DONE cov: 1073 ft: 4577 corp: 1577/381Kb exec/s: 72430 rss: 532Mb")
        );
        assert_eq!(FuzzSummary::read("no such lines"), FuzzSummary::default());
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        for args in [
            &["--fuzz-seconds"][..],
            &["--fuzz-seconds", "0"],
            &["--fuzz-seconds", "soon"],
            &["--bogus"],
        ] {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            assert!(matches!(run(&args), Err(Error::Usage(_))), "{args:?}");
        }
    }
}
