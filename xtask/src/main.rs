//! chanlab's task runner: `cargo xtask <command>`. This file only parses and dispatches; each
//! command is a module with a `run`.

mod bench;
mod cargo;
mod docs;
mod json;
mod lab;
mod list;
mod loom;
mod run;
mod soak;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [arguments]

commands:
  list                                   every lesson and step, with its course section
  run [<lesson> [<step>]] [--pace F] [--release] [<step arguments>]
                                         run a step, a lesson, or (no lesson) the whole tour
  test [<lesson>]                        the test suite; with a lesson, only that crate's tests
  loom                                   model-check the concurrency primitives with loom
  lab [watch|list|hint|check|run|solution|reset|grade] [<lab>]
                                         the course labs (alone: the watch loop)
  docs [--open] [--serve] [--check]      build the book; --check only checks it
  bench [<case>...] [--quick] [--json]   Rust and Go side by side
  soak [--fuzz-seconds N] [--no-fuzz]    the full hardening suite (long)";

const COMMANDS: &[&str] = &[
    "list", "run", "test", "loom", "lab", "docs", "bench", "soak",
];

/// Why a command failed, and so the exit status.
#[derive(Debug)]
pub enum Error {
    /// Bad usage: status 2.
    Usage(String),
    /// Something failed and was described: status 1.
    Failed(String),
    /// A child process failed and said why itself: its status is passed on.
    Status(u8),
}

/// What every command returns.
pub type Result<T = ()> = std::result::Result<T, Error>;

fn main() -> ExitCode {
    chanlab_common::runner::exit_quietly_when_output_closes();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "list" => list::run(rest),
        "run" => run::run(rest),
        "test" => test::run(rest),
        "loom" => loom::run(rest),
        "lab" => lab::run(rest),
        "docs" => docs::run(rest),
        "bench" => bench::run(rest),
        "soak" => soak::run(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Error::Usage(chanlab_common::runner::unknown(
            "command",
            other,
            "cargo xtask",
            COMMANDS,
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Error::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
        Err(Error::Status(code)) => ExitCode::from(code),
    }
}
