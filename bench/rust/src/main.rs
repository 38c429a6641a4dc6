//! The Rust workloads of `cargo xtask bench`, one process per run. `cargo xtask bench` drives
//! it; by hand: `cargo run --release -p chanlab-bench -- run spsc-cap100 --ops 100000`.

use anyhow::{Context, bail};
use chanlab_bench::{MAX_OPS, Setup, cases, http, implementations};
use std::process::ExitCode;

const USAGE: &str = "\
usage: chanlab-bench <command>

  list                       the cases, one a line
  run <case> --ops N [--rounds R] [--target URL]
                             a warm-up of N/10 operations for each implementation, then R
                             rounds (default 1) of N timed operations, the implementations in
                             turn, starting with a different one each round; prints
                             `<implementation>\\t<ns per op>` per implementation and round
  serve [SERVER]             a chanlab server on a free loopback port: prints its URL, stops
                             when stdin closes; SERVER is threads (the server lesson's, the
                             default), tasks-current-thread or tasks-multi-thread (the tasks
                             lesson's, on that runtime flavour)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chanlab-bench: {e:#}");
            ExitCode::from(if e.is::<Usage>() { 2 } else { 1 })
        }
    }
}

/// A command line that makes no sense: exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

fn run(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("list") => {
            cases().iter().for_each(|case| println!("{case}"));
            Ok(())
        }
        Some("run") => {
            let Run {
                case,
                setup,
                rounds,
            } = parse_run(&args[1..])?;
            let rows = implementations(&case);
            if rows.is_empty() {
                let cases = cases();
                return Err(Usage(chanlab_common::runner::unknown(
                    "case",
                    &case,
                    "chanlab-bench",
                    &cases,
                ))
                .into());
            }
            let warm_up = Setup {
                ops: (setup.ops / 10).max(1),
                ..setup.clone()
            };
            let context = |label: &str| format!("{case} ({label})");
            for row in &rows {
                (row.run)(&warm_up)
                    .with_context(|| format!("{}, warming up", context(row.label)))?;
            }
            // Each round starts with the next implementation, so none is always first (the first
            // to run tends to find the caches and the CPUs in another state).
            let mut figures = vec![Vec::new(); rows.len()];
            for round in 0..rounds {
                for turn in 0..rows.len() {
                    let at = (round + turn) % rows.len();
                    let ns = (rows[at].run)(&setup).with_context(|| context(rows[at].label))?;
                    figures[at].push(ns);
                }
            }
            for round in 0..rounds {
                for (row, figures) in rows.iter().zip(&figures) {
                    println!("{}\t{:.3}", row.label, figures[round]);
                }
            }
            Ok(())
        }
        Some("serve") => {
            let name = args.get(1).map_or("threads", String::as_str);
            let served = http::Served::named(name).ok_or_else(|| {
                let names: Vec<&str> = http::Served::ALL.iter().map(|(n, _)| *n).collect();
                Usage(chanlab_common::runner::unknown(
                    "server",
                    name,
                    "chanlab-bench serve",
                    &names,
                ))
            })?;
            Ok(http::serve(served, std::io::stdin(), std::io::stdout())?)
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(Usage(USAGE.into()).into()),
    }
}

/// What `run` was asked for.
struct Run {
    case: String,
    setup: Setup,
    rounds: usize,
}

/// The most rounds a run takes.
const MAX_ROUNDS: usize = 1_000;

/// `<case> --ops N [--rounds R] [--target URL]`.
fn parse_run(args: &[String]) -> anyhow::Result<Run> {
    let Some((case, mut rest)) = args.split_first() else {
        return Err(Usage(format!("run needs a case\n\n{USAGE}")).into());
    };
    let mut setup = Setup::default();
    let mut rounds = 1;
    while let Some((flag, tail)) = rest.split_first() {
        let Some((value, tail)) = tail.split_first() else {
            return Err(Usage(format!("{flag} needs a value")).into());
        };
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| Usage(format!("{flag} takes a whole number, not {value:?}")))
        };
        match flag.as_str() {
            "--ops" => setup.ops = number()?,
            "--rounds" => rounds = number()? as usize,
            "--target" => setup.target = Some(value.clone()),
            _ => return Err(Usage(format!("unknown argument {flag:?}\n\n{USAGE}")).into()),
        }
        rest = tail;
    }
    if !(1..=MAX_OPS).contains(&setup.ops) {
        bail!(Usage(format!("--ops must be from 1 to {MAX_OPS}")));
    }
    if !(1..=MAX_ROUNDS).contains(&rounds) {
        bail!(Usage(format!("--rounds must be from 1 to {MAX_ROUNDS}")));
    }
    Ok(Run {
        case: case.clone(),
        setup,
        rounds,
    })
}
