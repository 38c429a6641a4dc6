//! The Rust workloads of `cargo xtask bench`, one process per run. `cargo xtask bench` drives
//! it; by hand: `cargo run --release -p chanlab-bench -- run spsc-cap100 --ops 100000`.

use anyhow::{Context, bail};
use chanlab_bench::{MAX_OPS, Setup, WORKLOADS, find, http};
use std::process::ExitCode;

const USAGE: &str = "\
usage: chanlab-bench <command>

  list                                    the workloads, one a line
  run <workload> --ops N [--target URL]   a warm-up of N/10 operations, then N timed; prints
                                          `<implementation>\\t<ns per op>` per implementation
  serve                                   chanlab's server on a free loopback port: prints its
                                          URL, stops when stdin closes";

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
            WORKLOADS.iter().for_each(|w| println!("{}", w.name));
            Ok(())
        }
        Some("run") => {
            let (name, setup) = parse_run(&args[1..])?;
            let workload = find(&name).ok_or_else(|| {
                let names: Vec<&str> = WORKLOADS.iter().map(|w| w.name).collect();
                Usage(chanlab_common::runner::unknown(
                    "workload",
                    &name,
                    "chanlab-bench",
                    &names,
                ))
            })?;
            let warm_up = Setup {
                ops: (setup.ops / 10).max(1),
                ..setup.clone()
            };
            (workload.run)(&warm_up).with_context(|| format!("{name}, warming up"))?;
            for sample in (workload.run)(&setup).with_context(|| name.clone())? {
                println!("{}\t{:.3}", sample.label, sample.ns_per_op);
            }
            Ok(())
        }
        Some("serve") => Ok(http::serve(std::io::stdin(), std::io::stdout())?),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(Usage(USAGE.into()).into()),
    }
}

/// `<workload> --ops N [--target URL]`.
fn parse_run(args: &[String]) -> anyhow::Result<(String, Setup)> {
    let Some((name, mut rest)) = args.split_first() else {
        return Err(Usage(format!("run needs a workload\n\n{USAGE}")).into());
    };
    let mut setup = Setup::default();
    while let Some((flag, tail)) = rest.split_first() {
        let Some((value, tail)) = tail.split_first() else {
            return Err(Usage(format!("{flag} needs a value")).into());
        };
        match flag.as_str() {
            "--ops" => {
                setup.ops = value
                    .parse()
                    .map_err(|_| Usage(format!("--ops takes a whole number, not {value:?}")))?;
            }
            "--target" => setup.target = Some(value.clone()),
            _ => return Err(Usage(format!("unknown argument {flag:?}\n\n{USAGE}")).into()),
        }
        rest = tail;
    }
    if !(1..=MAX_OPS).contains(&setup.ops) {
        bail!(Usage(format!("--ops must be from 1 to {MAX_OPS}")));
    }
    Ok((name.clone(), setup))
}
