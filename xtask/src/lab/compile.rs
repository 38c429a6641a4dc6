//! Building the labs' test binaries with cargo, and reading its JSON messages: which binary is
//! which lab's, and the compiler's diagnostics, shown with the paths a student edits
//! (`labs/exercises/ping_pong.rs`, not `tests/../exercises/ping_pong.rs`).

use crate::cargo::cargo;
use crate::json::{self, Value};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::Stdio;

/// Which of the compiler's diagnostics to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnostics {
    /// Errors and warnings: a student's check.
    All,
    /// Errors only.
    Errors,
    /// None: the caller explains a failure itself.
    Hidden,
}

/// What to build: a package of a labs workspace, against the exercises or the solutions.
pub struct Build {
    /// The labs workspace (`labs/`, or a copy of it).
    pub dir: PathBuf,
    /// The package: `chanlab-labs` (the tests) or `chanlab-lab-models` (the loom models), as
    /// named in that workspace.
    pub package: String,
    pub solutions: bool,
    /// Where cargo builds, when not in the workspace's own `target/`.
    pub target_dir: Option<PathBuf>,
    /// How diagnostics name the workspace: `labs` for the course's.
    pub shown_as: String,
    pub diagnostics: Diagnostics,
}

impl Build {
    /// A build of the course's labs workspace (or the copy `CHANLAB_LABS_DIR` names).
    pub fn course(package: &str, solutions: bool, diagnostics: Diagnostics) -> Build {
        let dir = super::labs_dir();
        let shown_as = if dir == crate::cargo::root().join("labs") {
            "labs".to_owned()
        } else {
            dir.display().to_string()
        };
        Build {
            dir,
            package: package.to_owned(),
            solutions,
            target_dir: None,
            shown_as,
            diagnostics,
        }
    }

    /// Builds the test binaries of the labs named in `only` (every lab if it is empty) and
    /// returns them by lab. A lab that does not compile is missing from the map.
    pub fn run(&self, only: &[&str]) -> Result<BTreeMap<String, PathBuf>> {
        // On a terminal cargo shows its progress bar all the same (see `cargo`), and colours.
        let terminal = std::io::stderr().is_terminal();
        let mut command = cargo(["build", "--quiet", "--keep-going"]);
        command
            .arg("--manifest-path")
            .arg(self.dir.join("Cargo.toml"))
            .args(["--package", &self.package])
            .arg(if terminal {
                "--message-format=json-diagnostic-rendered-ansi"
            } else {
                "--message-format=json"
            });
        if self.solutions {
            command.args(["--features", "solutions"]);
        }
        if only.is_empty() {
            command.arg("--tests");
        }
        for name in only {
            command.args(["--test", name]);
        }
        if let Some(target) = &self.target_dir {
            command.env("CARGO_TARGET_DIR", target);
        }
        if self.diagnostics == Diagnostics::Hidden {
            command.stderr(Stdio::null());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Failed(format!("could not start cargo: {e}")))?;
        let (mut binaries, mut errors) = (BTreeMap::new(), 0);
        let stdout = child.stdout.take().expect("piped");
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Some(message) = json::parse(&line) else {
                continue;
            };
            match message.get("reason").and_then(Value::as_str) {
                Some("compiler-artifact") => {
                    if let Some((name, binary)) = test_binary(&message) {
                        binaries.insert(name, binary);
                    }
                }
                Some("compiler-message") => errors += usize::from(self.show(&message)),
                _ => {}
            }
        }
        let status = child.wait();
        // A failed build with no compiler error is cargo's own failure (a broken manifest, no
        // network for a new dependency): not something a lab's code did.
        if errors == 0 && !status.is_ok_and(|s| s.success()) {
            return Err(Error::Failed(format!(
                "cargo could not build {} in {} (see above)",
                self.package,
                self.dir.display()
            )));
        }
        Ok(binaries)
    }

    /// Prints a diagnostic, if it is of a kind to show, with the paths a student knows; says
    /// whether it is an error.
    fn show(&self, message: &Value) -> bool {
        let Some(diagnostic) = message.get("message") else {
            return false;
        };
        let level = diagnostic.get("level").and_then(Value::as_str);
        let error = matches!(level, Some("error" | "error: internal compiler error"));
        let shown = match self.diagnostics {
            Diagnostics::All => true,
            Diagnostics::Errors => error,
            Diagnostics::Hidden => false,
        };
        if let (true, Some(rendered)) = (shown, diagnostic.get("rendered").and_then(Value::as_str))
        {
            eprint!("{}", student_paths(rendered, &self.shown_as));
        }
        error
    }
}

/// The lab and the executable of a test target's artifact message.
fn test_binary(message: &Value) -> Option<(String, PathBuf)> {
    let target = message.get("target")?;
    let kinds = target.get("kind")?.as_array()?;
    if !kinds.iter().any(|k| k.as_str() == Some("test")) {
        return None;
    }
    let name = target.get("name")?.as_str()?;
    let executable = message.get("executable")?.as_str()?;
    Some((name.to_owned(), PathBuf::from(executable)))
}

/// `rendered` with each workspace-relative path in a `-->` or `:::` line as a student would
/// write it from the repository: `tests/../exercises/x.rs` becomes `labs/exercises/x.rs` (with
/// `shown_as` = `labs`), `tests/x.rs` becomes `labs/tests/x.rs`. Other paths stay.
pub fn student_paths(rendered: &str, shown_as: &str) -> String {
    let mut out = String::with_capacity(rendered.len());
    for line in rendered.split_inclusive('\n') {
        let at = ["--> ", "::: "]
            .iter()
            .filter_map(|arrow| line.find(arrow).map(|i| i + arrow.len()))
            .min();
        let Some(at) = at else {
            out.push_str(line);
            continue;
        };
        let (head, path) = line.split_at(at);
        out.push_str(head);
        let relative = !path.starts_with('/') && !path.starts_with('<') && !path.contains(":\\");
        if relative {
            let mut path = path;
            while let Some(rest) = path
                .strip_prefix("tests/../")
                .or(path.strip_prefix("models/../"))
            {
                path = rest;
            }
            out.push_str(shown_as);
            out.push('/');
            out.push_str(path);
        } else {
            out.push_str(path);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_errors_name_the_file_the_student_edits() {
        let rendered = "error[E0308]: mismatched types\n  --> tests/../exercises/ping_pong.rs:12:5\n   |\n\
                        12 |     1\n  ::: tests/ping_pong.rs:30:9\n   |\n  --> src/lib.rs:1:1\n\
                        \x20 --> /rustc/abc/library/core/src/x.rs:1:1\n";
        let shown = student_paths(rendered, "labs");
        assert!(
            shown.contains("  --> labs/exercises/ping_pong.rs:12:5\n"),
            "{shown}"
        );
        assert!(
            shown.contains("  ::: labs/tests/ping_pong.rs:30:9\n"),
            "{shown}"
        );
        assert!(shown.contains("  --> labs/src/lib.rs:1:1\n"), "{shown}");
        assert!(
            shown.contains("--> /rustc/abc/library/core/src/x.rs:1:1"),
            "{shown}"
        );
        assert!(
            shown.starts_with("error[E0308]: mismatched types\n"),
            "{shown}"
        );
    }

    #[test]
    fn a_test_binary_is_found_whatever_the_order_of_its_fields() {
        let line = r#"{"executable":"/t/deps/merge-1f","target":{"src_path":"/l/tests/merge.rs",
            "name":"merge","kind":["test"]},"reason":"compiler-artifact"}"#;
        let message = json::parse(line).expect("valid JSON");
        assert_eq!(
            test_binary(&message),
            Some(("merge".to_owned(), PathBuf::from("/t/deps/merge-1f")))
        );
        let lib = r#"{"reason":"compiler-artifact","target":{"name":"chanlab_labs","kind":["lib"]},
            "executable":null}"#;
        assert_eq!(test_binary(&json::parse(lib).expect("valid JSON")), None);
    }
}
