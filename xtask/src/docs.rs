//! `cargo xtask docs [--open] [--serve] [--check] [--book <dir>]`: the course book in `docs/`.
//!
//! The book's Rust code is `{{#include}}`d from files cargo compiles, and what else it shows is
//! generated when the book is built, into `src/generated/`:
//!
//! - `generated/<lesson>/<step>.txt` is what `cargo xtask run <lesson> <step>` prints, and
//!   `generated/<lesson>/<step>.timeline.txt` the same with `--timeline` (timelines, figures);
//! - `generated/<lesson>/<step>.gif` is the GIF the step writes into the temporary directory
//!   (the server's Lissajous figure), shown with `![...](...)`;
//! - `generated/labs/<lesson>.md` is a table of the lesson's labs, from `labs/info.toml`.
//!
//! Nothing is pasted, so nothing can drift.
//!
//! [`check()`] (part of `cargo xtask test`, no mdBook needed) fails when an include does not
//! resolve (a missing file, anchor or line, or generated output of a step or lesson that does not
//! exist), when a link or image points at a file that is not there, when Rust code is pasted
//! instead of included, or when a lesson or one of its steps has no page. A lesson whose chapter
//! is still to be written is declared in `SUMMARY.md` as a draft chapter naming it in backticks,
//! such as ``- [Mutexes and wait groups: `sync` (5.6)]()``.
//!
//! The checker is `check`, the generated files `capture` and the lab tables `labs`.

mod capture;
mod check;
mod labs;

use crate::cargo::{cargo, root};
use crate::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const USAGE: &str = "usage: cargo xtask docs [--open] [--serve] [--check] [--book <dir>]

  (nothing)     check the book, generate the step output it shows, and build it with mdBook
                (installed with `cargo install mdbook --locked` if missing)
  --open        then open it in a browser
  --serve       serve it on http://localhost:3000 instead, rebuilding on changes
  --check       only check it: includes resolve, every lesson and step has a page
  --book <dir>  the book to work on (default: docs/ in the workspace)";

/// Runs the command.
pub fn run(args: &[String]) -> Result {
    let (mut open, mut serve, mut check_only) = (false, false, false);
    let mut book = root().join("docs");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--open" => open = true,
            "--serve" => serve = true,
            "--check" => check_only = true,
            "--book" => {
                let dir = args
                    .next()
                    .ok_or_else(|| Error::Usage("--book needs a directory".into()))?;
                book = PathBuf::from(dir);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => {
                return Err(Error::Usage(format!(
                    "unknown argument {other:?}\n\n{USAGE}"
                )));
            }
        }
    }
    let captures = check::verify(&book)?;
    if check_only {
        return Ok(());
    }
    for capture in &captures {
        capture.generate(&book)?;
    }
    let mut command = Command::new(mdbook()?);
    command.arg(if serve { "serve" } else { "build" });
    if open {
        command.arg("--open");
    }
    crate::cargo::status(command.arg(&book))?;
    if !serve {
        let index = check::normalize(&book.join(BUILD_DIR).join("index.html"));
        println!("the book is at {}", index.display());
    }
    Ok(())
}

/// The part of `cargo xtask test` this command owns: the checks of `--check` on `docs/`.
pub fn check() -> Result {
    crate::cargo::timed("docs", || check::verify(&root().join("docs")).map(drop))
}

/// Where `book.toml` sends the built book, relative to the book: `target/book`.
const BUILD_DIR: &str = "../target/book";

/// mdBook: found on the PATH or in cargo's bin directory, else installed there with cargo.
fn mdbook() -> Result<PathBuf> {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .map(|home| home.join("bin").join("mdbook"));
    let candidates = std::iter::once(PathBuf::from("mdbook")).chain(cargo_bin.clone());
    for candidate in candidates {
        let works = Command::new(&candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if works {
            return Ok(candidate);
        }
    }
    eprintln!("mdBook is missing: installing it with `cargo install mdbook --locked` (minutes)");
    crate::cargo::status(&mut cargo(["install", "mdbook", "--locked"]))?;
    cargo_bin.ok_or_else(|| {
        Error::Failed("installed mdBook, but cannot find cargo's bin directory".into())
    })
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| failed(path, e))
}

fn failed(path: &Path, error: std::io::Error) -> Error {
    Error::Failed(format!("{}: {error}", path.display()))
}
