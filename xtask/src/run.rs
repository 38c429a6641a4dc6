//! `cargo xtask run [<lesson> [<step>]] [--pace F] [--timeline] [--release] [step arguments]`:
//! runs a step, a lesson, or with no lesson the whole tour. Builds and runs only the crates it
//! needs.

use crate::Result;
use crate::cargo::{LESSONS, cargo, lesson, status};

const USAGE: &str = "\
usage: cargo xtask run [<lesson> [<step>]] [--pace F] [--timeline] [--release] [<step arguments>]

  (no lesson)        the whole tour: every lesson's steps that end by themselves, in order
  <lesson>           one lesson: its default step, or else every step (`cargo xtask list`)
  <step>             one step of the lesson
  --pace F           scale every sleep: 0.1 runs ten times faster (default 1)
  --timeline         after each step, chart which thread said what when
  --release          build the lesson optimised
  <step arguments>   what the step takes (`cargo xtask run <lesson> --help` lists them);
                     after `--` when one could be read as an option above";

/// Runs one lesson's binary with the rest of the arguments, or every lesson's tour.
pub fn run(args: &[String]) -> Result {
    // Ctrl-C goes to the whole process group. The lesson handles it (the server drains and says
    // so); xtask only waits for the lesson to finish, so the prompt returns after its last line.
    // A handler, unlike ignoring the signal, is not inherited by the child.
    let _ = ctrlc::set_handler(|| {});
    let release = args
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--release");
    let mut rest: Vec<&String> = args
        .iter()
        .filter(|a| !release || *a != "--release")
        .collect();
    let profile: &[&str] = if release { &["--release"] } else { &[] };
    let named = match rest.first() {
        Some(first) if !first.starts_with('-') => Some(lesson(first)?),
        _ => None,
    };
    // With a lesson, `--help` is the lesson's own (it lists what its steps take).
    if named.is_none()
        && rest
            .iter()
            .take_while(|a| **a != "--")
            .any(|a| *a == "-h" || *a == "--help")
    {
        println!("{USAGE}");
        return Ok(());
    }
    match named {
        Some(lesson) => {
            rest.remove(0);
            status(
                cargo(["run", "--quiet"])
                    .args(profile)
                    .arg(format!("--package=chanlab-{lesson}"))
                    .arg("--")
                    .args(rest),
            )
        }
        None => {
            for (i, lesson) in LESSONS.iter().enumerate() {
                let gap = if i == 0 { "" } else { "\n" };
                println!("{gap}######## {lesson} ########\n");
                status(
                    cargo(["run", "--quiet"])
                        .args(profile)
                        .arg(format!("--package=chanlab-{lesson}"))
                        .args(["--", "--tour"])
                        .args(&rest),
                )?;
            }
            Ok(())
        }
    }
}
