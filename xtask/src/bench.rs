//! `cargo xtask bench [<case>...] [--quick] [--json[=FILE]]`: Rust and Go side by side.
//!
//! Each case is one workload written twice, in `bench/rust` (crate `chanlab-bench`, built in
//! release) and in `bench/go` (built with `go build` when `go` is on the PATH). For every run the
//! Rust process and then the Go process time the same number of operations, after a warm-up,
//! a few rounds each (the Rust implementations of a case in turn); the table shows the median
//! of every round of every run, in nanoseconds per operation, its spread, and the ratio
//! Rust/Go. The Rust side also times raw crossbeam, std and hand-written versions beside
//! chanlab's building blocks, so any overhead of ours shows. The server cases load chanlab's
//! server and `bench/go/server` with `wrk`; fetchall fetches from chanlab's server in both
//! languages.

mod report;

use crate::cargo::{cargo, root, wait_within};
use crate::{Error, Result};
use report::{GoStatus, Report, Row};
use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cargo xtask bench [<case>...] [--quick] [--json[=FILE]] [--runs N] [--rounds N] [--ops N]
                         [--no-go] [--debug]

  <case>...     the cases to run (default: all); `cargo xtask bench --list` names them
  --quick       fewer operations, 3 runs, short wrk loads: about two minutes on 2 cores
  --json        print the table as JSON on stdout instead of as text
  --json=FILE   print the text table and also write the JSON to FILE
  --runs N      runs (processes) per case and language (default 5, or 3 with --quick)
  --rounds N    rounds per run for every workload case instead of each case's own
  --ops N       operations per round for every workload case instead of each case's own
  --no-go       Rust only, even when go is installed
  --debug       build chanlab-bench without optimisations: quick to build, and its figures
                mean nothing (for testing the bench itself)
  --list        the cases, what one operation is in each, and its rounds per run";

/// How a case is run.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A workload both bench binaries have: operations per round, in a full and a quick run,
    /// and rounds per run.
    Workload { ops: u64, quick: u64, rounds: usize },
    /// `wrk` against chanlab's servers and Go's, on this path, with this many connections.
    Http {
        path: &'static str,
        connections: u32,
        servers: &'static [RustServerKind],
    },
}

/// A server `chanlab-bench serve` runs: its row label and the name `serve` takes.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RustServerKind {
    label: &'static str,
    name: &'static str,
}

/// The server lesson's server, a thread per connection.
const THREAD_SERVER: RustServerKind = RustServerKind {
    label: "chanlab server",
    name: "threads",
};

/// The server lesson's and the tasks lesson's, on each runtime flavour.
const EVERY_SERVER: &[RustServerKind] = &[
    THREAD_SERVER,
    RustServerKind {
        label: "chanlab tasks server, current-thread",
        name: "tasks-current-thread",
    },
    RustServerKind {
        label: "chanlab tasks server, multi-thread",
        name: "tasks-multi-thread",
    },
];

/// One line of the table (and the rows of the Rust implementations under it).
#[derive(Clone, Copy, Debug)]
struct Case {
    name: &'static str,
    /// What one operation is.
    op: &'static str,
    kind: Kind,
}

const fn workload(
    name: &'static str,
    op: &'static str,
    ops: u64,
    quick: u64,
    rounds: usize,
) -> Case {
    Case {
        name,
        op,
        kind: Kind::Workload { ops, quick, rounds },
    }
}

/// Every case, in table order.
const CASES: &[Case] = &[
    workload(
        "spsc-unbuffered",
        "one value sent and received: 1 producer, 1 consumer, capacity 0",
        20_000,
        5_000,
        3,
    ),
    workload(
        "spsc-cap1",
        "one value sent and received: 1 producer, 1 consumer, capacity 1",
        20_000,
        5_000,
        3,
    ),
    workload(
        "spsc-cap100",
        "one value sent and received: 1 producer, 1 consumer, capacity 100",
        1_000_000,
        200_000,
        3,
    ),
    workload(
        "mpmc-cap0",
        "one value sent and received: 4 producers, 4 consumers, capacity 0",
        50_000,
        10_000,
        3,
    ),
    workload(
        "mpmc-cap100",
        "one value sent and received: 4 producers, 4 consumers, capacity 100",
        1_000_000,
        200_000,
        3,
    ),
    workload(
        "ping-pong",
        "one round trip between two threads over two unbuffered channels",
        10_000,
        2_000,
        3,
    ),
    workload(
        "select",
        "one value taken by select from two channels of capacity 100, a producer each",
        1_000_000,
        200_000,
        3,
    ),
    workload(
        "spawn",
        "one thread (goroutine) started and finished, 10,000 a run; WorkerPool: one tiny job",
        10_000,
        10_000,
        1,
    ),
    workload(
        "pipeline",
        "one number through generate -> keep even -> square, unbuffered channels",
        20_000,
        5_000,
        5,
    ),
    workload(
        "worker-pool",
        "one job (~0.5 us of arithmetic) through 4 workers, result received",
        20_000,
        5_000,
        5,
    ),
    workload(
        "mutex",
        "one lock, increment, unlock: 4 threads on one counter",
        2_000_000,
        400_000,
        3,
    ),
    workload(
        "waitgroup",
        "one add(1)/done() pair: 4 threads on one group while main waits",
        2_000_000,
        400_000,
        3,
    ),
    workload(
        "context-cancel",
        "one cancel seen by 1,000 blocked waiters (from cancel to the last wake-up)",
        50,
        10,
        1,
    ),
    Case {
        name: "server-root",
        op: "one GET / under wrk -t2 -c16 (ns/op = 1e9 / requests per second)",
        kind: Kind::Http {
            path: "/",
            connections: 16,
            servers: &[THREAD_SERVER],
        },
    },
    Case {
        name: "server-root-1000",
        op: "one GET / under wrk -t2 -c1000, all kept alive (ns/op = 1e9 / requests per second)",
        kind: Kind::Http {
            path: "/",
            connections: 1000,
            servers: EVERY_SERVER,
        },
    },
    Case {
        name: "server-lissajous",
        op: "one GET /lissajous (a 64-frame GIF) under wrk -t2 -c4",
        kind: Kind::Http {
            path: "/lissajous",
            connections: 4,
            servers: &[THREAD_SERVER],
        },
    },
    workload(
        "fetchall",
        "one URL of 100 fetched, 32 in flight, from chanlab's server",
        100,
        100,
        3,
    ),
];

/// How long a bench process may run before it is taken for hung.
const PROCESS_DEADLINE: Duration = Duration::from_secs(300);

/// What the command line asked for.
#[derive(Debug)]
struct Options {
    cases: Vec<&'static Case>,
    quick: bool,
    json: Json,
    runs: usize,
    rounds: Option<usize>,
    ops: Option<u64>,
    go: bool,
    debug: bool,
}

/// Where the JSON goes, if anywhere.
#[derive(Debug, PartialEq)]
enum Json {
    No,
    Stdout,
    File(PathBuf),
}

/// Runs the command.
pub fn run(args: &[String]) -> Result {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(());
    }
    if args.iter().any(|a| a == "--list") {
        for case in CASES {
            let rounds = match case.kind {
                Kind::Workload { rounds, .. } => rounds,
                Kind::Http { .. } => 1,
            };
            let rounds = format!("{rounds} round{}", if rounds == 1 { "" } else { "s" });
            println!("{:<17} {rounds:<9} {}", case.name, case.op);
        }
        return Ok(());
    }
    let options = parse(args)?;
    let started = Instant::now();
    let load = load_average();
    let rust = build_rust(options.debug)?;
    let go = if options.go {
        find_go()
    } else {
        GoStatus::Disabled
    };
    let go_bin = match &go {
        GoStatus::Found(_) => Some(build_go(&options.cases)?),
        _ => None,
    };
    let mut bench = Bench {
        options: &options,
        rust,
        go: go_bin,
        rust_servers: Vec::new(),
        go_server: None,
        wrk: has_wrk(),
    };
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let cpu_before = CpuTimes::now();
    for case in &options.cases {
        let runs = options.runs;
        eprintln!(
            "bench: {} ({runs} run{})",
            case.name,
            if runs == 1 { "" } else { "s" }
        );
        match bench.case(case)? {
            Outcome::Rows(mut r) => rows.append(&mut r),
            Outcome::Skipped(why) => skipped.push((case.name, why)),
        }
    }
    drop(bench); // stops the servers, so their CPU time is counted as ours
    let others_busy = cpu_before
        .zip(CpuTimes::now())
        .and_then(|(before, after)| before.others_until(&after));
    let report = Report {
        command: std::iter::once("cargo xtask bench".to_owned())
            .chain(args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" "),
        date: report::utc_now(),
        commit: commit(),
        runs: options.runs,
        quick: options.quick,
        debug: options.debug,
        go,
        cores: thread::available_parallelism().map_or(0, |n| n.get()),
        load,
        others_busy,
        seconds: started.elapsed().as_secs_f64(),
        rows,
        skipped,
    };
    match &options.json {
        Json::Stdout => print!("{}", report.json()),
        Json::File(path) => {
            print!("{}", report.table());
            std::fs::write(path, report.json())
                .map_err(|e| Error::Failed(format!("could not write {}: {e}", path.display())))?;
            eprintln!("bench: JSON written to {}", path.display());
        }
        Json::No => print!("{}", report.table()),
    }
    Ok(())
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        cases: Vec::new(),
        quick: false,
        json: Json::No,
        runs: 0,
        rounds: None,
        ops: None,
        go: true,
        debug: false,
    };
    let mut runs = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--json" => options.json = Json::Stdout,
            "--no-go" => options.go = false,
            "--debug" => options.debug = true,
            "--rounds" => {
                options.rounds = Some(number(args.next(), "--rounds", 1, 1_000)? as usize)
            }
            "--runs" => runs = Some(number(args.next(), "--runs", 1, 100)?),
            "--ops" => options.ops = Some(number(args.next(), "--ops", 1, 1_000_000_000)?),
            flag if flag.starts_with("--json=") => {
                let path = &flag["--json=".len()..];
                if path.is_empty() {
                    return Err(Error::Usage("--json= needs a file name".into()));
                }
                options.json = Json::File(PathBuf::from(path));
            }
            flag if flag.starts_with('-') => {
                return Err(Error::Usage(format!(
                    "unknown argument {flag:?}\n\n{USAGE}"
                )));
            }
            name => {
                let names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
                let case = CASES.iter().find(|c| c.name == name).ok_or_else(|| {
                    Error::Usage(chanlab_common::runner::unknown(
                        "case",
                        name,
                        "cargo xtask bench",
                        &names,
                    ))
                })?;
                if options.cases.iter().all(|c| c.name != case.name) {
                    options.cases.push(case);
                }
            }
        }
    }
    if options.cases.is_empty() {
        options.cases = CASES.iter().collect();
    }
    options.runs = runs.map_or(if options.quick { 3 } else { 5 }, |n| n as usize);
    Ok(options)
}

/// The value after `flag`, a whole number from `min` to `max`.
fn number(value: Option<&String>, flag: &str, min: u64, max: u64) -> Result<u64> {
    value
        .and_then(|v| v.parse().ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| Error::Usage(format!("{flag} takes a number from {min} to {max}")))
}

/// What running a case gave.
enum Outcome {
    Rows(Vec<Row>),
    Skipped(String),
}

/// Everything the cases need: the binaries, and the servers once a case has needed them.
struct Bench<'a> {
    options: &'a Options,
    rust: PathBuf,
    go: Option<GoBinaries>,
    /// The servers cases have needed so far, started the first time.
    rust_servers: Vec<(RustServerKind, RustServer)>,
    go_server: Option<GoServer>,
    wrk: bool,
}

/// The Go programs: the workloads, and bench/go/server.
struct GoBinaries {
    bench: PathBuf,
    server: PathBuf,
}

impl Bench<'_> {
    fn case(&mut self, case: &Case) -> Result<Outcome> {
        match case.kind {
            Kind::Workload { ops, quick, rounds } => {
                let ops = self
                    .options
                    .ops
                    .unwrap_or(if self.options.quick { quick } else { ops });
                let rounds = self.options.rounds.unwrap_or(rounds);
                self.workload(case, ops, rounds).map(Outcome::Rows)
            }
            Kind::Http {
                path,
                connections,
                servers,
            } if self.wrk => self
                .http(case, path, connections, servers)
                .map(Outcome::Rows),
            Kind::Http { .. } => Ok(Outcome::Skipped(
                "wrk is not installed: `apt-get install -y wrk` adds the server cases".into(),
            )),
        }
    }

    /// Runs both binaries `runs` times, alternately, `rounds` rounds each, and gathers their
    /// figures by label.
    fn workload(&mut self, case: &Case, ops: u64, rounds: usize) -> Result<Vec<Row>> {
        let mut args = vec![
            "run".to_owned(),
            case.name.to_owned(),
            "--ops".to_owned(),
            ops.to_string(),
            "--rounds".to_owned(),
            rounds.to_string(),
        ];
        if case.name == "fetchall" {
            args.extend([
                "--target".to_owned(),
                self.rust_server(THREAD_SERVER)?.url.clone(),
            ]);
        }
        let mut rows: Vec<Row> = Vec::new();
        let mut go = Vec::new();
        for _ in 0..self.options.runs {
            for (label, ns) in samples(&self.rust, &args)? {
                let at = match rows.iter().position(|r| r.implementation == label) {
                    Some(at) => at,
                    None => {
                        rows.push(Row::new(case.name, case.op, Some((ops, rounds)), label));
                        rows.len() - 1
                    }
                };
                rows[at].rust.push(ns);
            }
            if let Some(bin) = &self.go {
                go.extend(samples(&bin.bench, &args)?.into_iter().map(|(_, ns)| ns));
            }
        }
        rows.iter_mut().for_each(|r| r.go = go.clone());
        Ok(rows)
    }

    /// `wrk` against each of chanlab's `servers` and then Go's, `runs` times, after a warm-up of
    /// each.
    fn http(
        &mut self,
        case: &Case,
        path: &str,
        connections: u32,
        servers: &[RustServerKind],
    ) -> Result<Vec<Row>> {
        let seconds = if self.options.quick { 2 } else { 5 };
        let mut rust_urls = Vec::new();
        for server in servers {
            rust_urls.push(format!("{}{path}", self.rust_server(*server)?.url));
        }
        let go_url = self.go_server()?.map(|g| format!("{}{path}", g.url));
        let wrk = |url: &str, seconds| wrk(url, connections, seconds);
        for url in rust_urls.iter().chain(&go_url) {
            wrk(url, 1)?;
        }
        let mut rows: Vec<Row> = servers
            .iter()
            .map(|s| Row::new(case.name, case.op, None, s.label.into()))
            .collect();
        let mut go = Vec::new();
        for _ in 0..self.options.runs {
            for (row, url) in rows.iter_mut().zip(&rust_urls) {
                row.rust.push(1e9 / wrk(url, seconds)?);
            }
            if let Some(url) = &go_url {
                go.push(1e9 / wrk(url, seconds)?);
            }
        }
        rows.iter_mut().for_each(|r| r.go = go.clone());
        Ok(rows)
    }

    /// chanlab's `kind` of server, started the first time a case needs it.
    fn rust_server(&mut self, kind: RustServerKind) -> Result<&RustServer> {
        let at = match self.rust_servers.iter().position(|(k, _)| *k == kind) {
            Some(at) => at,
            None => {
                let server = RustServer::start(&self.rust, kind.name)?;
                self.rust_servers.push((kind, server));
                self.rust_servers.len() - 1
            }
        };
        Ok(&self.rust_servers[at].1)
    }

    /// The Go server when Go is in the race, started the first time a case needs it.
    fn go_server(&mut self) -> Result<Option<&GoServer>> {
        if let (None, Some(bin)) = (&self.go_server, &self.go) {
            self.go_server = Some(GoServer::start(&bin.server)?);
        }
        Ok(self.go_server.as_ref())
    }
}

/// Runs a bench binary and reads its `<label>\t<ns per op>` lines.
fn samples(bin: &Path, args: &[String]) -> Result<Vec<(String, f64)>> {
    let stdout = output(Command::new(bin).args(args))?;
    let samples = parse_samples(&stdout);
    if samples.is_empty() {
        return Err(Error::Failed(format!(
            "{} {} printed no samples:\n{stdout}",
            bin.display(),
            args.join(" ")
        )));
    }
    Ok(samples)
}

/// The `<label>\t<number>` lines of `text`.
fn parse_samples(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter_map(|line| {
            let (label, ns) = line.split_once('\t')?;
            Some((label.to_owned(), ns.trim().parse::<f64>().ok()?))
        })
        .filter(|(_, ns)| ns.is_finite() && *ns > 0.0)
        .collect()
}

/// Runs `command` to the end within [`PROCESS_DEADLINE`] and returns its stdout; stderr passes
/// through. A failure or a hang is an error naming the command.
fn output(command: &mut Command) -> Result<String> {
    let what = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Failed(format!("could not start {what}: {e}")))?;
    // Read on a thread so that a child printing a lot cannot fill the pipe and stall.
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = wait_within(&mut child, PROCESS_DEADLINE)
        .map_err(|e| Error::Failed(format!("{what}: {e}")))?
        .ok_or_else(|| Error::Failed(format!("{what} took longer than {PROCESS_DEADLINE:?}")))?;
    let text = reader.join().unwrap_or_default();
    if status.success() {
        Ok(text)
    } else {
        Err(Error::Failed(format!("{what} failed ({status})")))
    }
}

/// Requests per second `wrk` reaches on `url` in `seconds`. Any non-2xx answer is an error: a
/// server that refuses work must not look fast.
fn wrk(url: &str, connections: u32, seconds: u32) -> Result<f64> {
    let stdout = output(Command::new("wrk").args([
        "-t2",
        "-c",
        &connections.to_string(),
        "-d",
        &format!("{seconds}s"),
        "--timeout",
        "10s",
        url,
    ]))?;
    parse_wrk(&stdout).map_err(|why| Error::Failed(format!("wrk on {url}: {why}\n{stdout}")))
}

/// The requests per second in `wrk`'s report, or why there is no good figure.
fn parse_wrk(report: &str) -> std::result::Result<f64, String> {
    if let Some(line) = report.lines().find(|l| l.contains("Non-2xx")) {
        return Err(format!("the server refused requests ({})", line.trim()));
    }
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|n| n.trim().parse::<f64>().ok())
        .filter(|n| *n > 0.0)
        .ok_or_else(|| "no requests completed".to_owned())
}

fn has_wrk() -> bool {
    Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Builds `chanlab-bench`, in release unless `debug`, and returns its path.
fn build_rust(debug: bool) -> Result<PathBuf> {
    let (profile, flag) = if debug {
        ("debug", None)
    } else {
        ("release", Some("--release"))
    };
    eprintln!("bench: building chanlab-bench ({profile})");
    crate::cargo::status(cargo(["build", "--quiet", "--package", "chanlab-bench"]).args(flag))?;
    Ok(target_dir()
        .join(profile)
        .join(format!("chanlab-bench{}", std::env::consts::EXE_SUFFIX)))
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, else `target/` in the workspace.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Whether `go` runs, and its version.
fn find_go() -> GoStatus {
    match Command::new("go").arg("version").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            // "go version go1.19.8 linux/amd64"
            let version = text.split_whitespace().nth(2).unwrap_or("go").to_owned();
            GoStatus::Found(version)
        }
        _ => GoStatus::Missing,
    }
}

/// Builds the Go workloads and, when a server case is asked for, bench/go/server.
fn build_go(cases: &[&Case]) -> Result<GoBinaries> {
    eprintln!("bench: building the Go workloads");
    let dir = target_dir().join("bench");
    let bin = |name: &str| dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let binaries = GoBinaries {
        bench: bin("chanlab-bench-go"),
        server: bin("go-server"),
    };
    let go_build = |out: &Path, package: &str| {
        crate::cargo::status(
            Command::new("go")
                .current_dir(root().join("bench/go"))
                .arg("build")
                .arg("-o")
                .arg(out)
                .arg(package),
        )
        .map_err(|_| Error::Failed(format!("go build {package} in bench/go failed")))
    };
    go_build(&binaries.bench, ".")?;
    if cases.iter().any(|c| matches!(c.kind, Kind::Http { .. })) {
        go_build(&binaries.server, "./server")?;
    }
    Ok(binaries)
}

/// chanlab's server, run by `chanlab-bench serve`: it stops when its stdin closes.
struct RustServer {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
}

impl RustServer {
    fn start(bin: &Path, kind: &str) -> Result<RustServer> {
        let mut child = Command::new(bin)
            .args(["serve", kind])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Error::Failed(format!("could not start chanlab-bench serve {kind}: {e}"))
            })?;
        let stdin = child.stdin.take();
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout is piped");
        let _ = BufReader::new(stdout).read_line(&mut line);
        let url = line.trim().to_owned();
        let server = RustServer { child, stdin, url };
        if !server.url.starts_with("http://") {
            return Err(Error::Failed(format!(
                "chanlab-bench serve {kind} did not start"
            )));
        }
        Ok(server)
    }
}

impl Drop for RustServer {
    fn drop(&mut self) {
        drop(self.stdin.take()); // the server drains and exits
        if matches!(
            wait_within(&mut self.child, Duration::from_secs(30)),
            Ok(None)
        ) {
            eprintln!("bench: chanlab's server did not stop within 30 s and was killed");
        }
    }
}

/// bench/go/server on a free loopback port.
struct GoServer {
    child: Child,
    url: String,
}

impl GoServer {
    fn start(bin: &Path) -> Result<GoServer> {
        // The port is free when asked; nothing else here binds loopback ports in between.
        let addr = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| Error::Failed(format!("no free port for the Go server: {e}")))?;
        let child = Command::new(bin)
            .arg("-addr")
            .arg(addr.to_string())
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| Error::Failed(format!("could not start the Go server: {e}")))?;
        let mut server = GoServer {
            child,
            url: format!("http://{addr}"),
        };
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(addr).is_err() {
            if Instant::now() > until || !matches!(server.child.try_wait(), Ok(None)) {
                return Err(Error::Failed(format!(
                    "the Go server did not start on {addr}"
                )));
            }
            thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }
}

impl Drop for GoServer {
    fn drop(&mut self) {
        let _ = self.child.kill(); // it has no other way to stop
        let _ = self.child.wait();
    }
}

/// The 1, 5 and 15 minute load averages, from `/proc/loadavg`.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// CPU time counters from `/proc`, in clock ticks: the whole machine's, busy and in all, and
/// this process's with its children's (every child is waited for, so all of its time counts).
#[derive(Clone, Copy, Debug, PartialEq)]
struct CpuTimes {
    busy: u64,
    total: u64,
    ours: u64,
}

impl CpuTimes {
    fn now() -> Option<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        CpuTimes::parse(&stat, &own)
    }

    /// From `/proc/stat` and `/proc/self/stat`.
    fn parse(stat: &str, own: &str) -> Option<CpuTimes> {
        // cpu  user nice system idle iowait irq softirq steal (guest time is inside user)
        let cpu: Vec<u64> = stat
            .lines()
            .next()?
            .strip_prefix("cpu ")?
            .split_whitespace()
            .take(8)
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        let total: u64 = cpu.iter().sum();
        let idle = cpu.get(3)? + cpu.get(4)?;
        // After the command name in parentheses: state is field 3, utime 14 ... cstime 17.
        let times: Vec<u64> = own
            .rsplit_once(')')?
            .1
            .split_whitespace()
            .skip(11)
            .take(4)
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        Some(CpuTimes {
            busy: total - idle,
            total,
            ours: times.iter().sum(),
        })
    }

    /// The share of all the CPU time from `self` to `later` that other processes used.
    fn others_until(&self, later: &CpuTimes) -> Option<f64> {
        let total = later.total.checked_sub(self.total).filter(|t| *t > 0)?;
        let busy = later.busy.checked_sub(self.busy)?;
        let ours = later.ours.checked_sub(self.ours)?;
        Some(busy.saturating_sub(ours) as f64 / total as f64)
    }
}

/// The commit checked out, short, with `+` when the work tree has changes.
fn commit() -> Option<String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(root())
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "--short", "HEAD"])?;
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{head}+") } else { head })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_server_named_is_one_chanlab_bench_serves() {
        let served = std::fs::read_to_string(root().join("bench/rust/src/http.rs")).unwrap();
        for server in EVERY_SERVER {
            assert!(
                served.contains(&format!("(\"{}\", Served::", server.name)),
                "bench/rust/src/http.rs: Served::ALL has no {:?}",
                server.name
            );
        }
    }

    #[test]
    fn no_case_means_every_case_and_quick_means_three_runs() {
        let options = parse(&args(&["--quick"])).unwrap();
        assert_eq!(options.cases.len(), CASES.len());
        assert_eq!(options.runs, 3);
        assert_eq!(parse(&[]).unwrap().runs, 5);
    }

    #[test]
    fn cases_keep_their_order_once_each_and_flags_parse() {
        let options = parse(&args(&[
            "mutex",
            "spsc-cap1",
            "mutex",
            "--runs",
            "2",
            "--ops",
            "10",
            "--rounds",
            "4",
            "--debug",
            "--json=out.json",
        ]))
        .unwrap();
        let names: Vec<&str> = options.cases.iter().map(|c| c.name).collect();
        assert_eq!(names, ["mutex", "spsc-cap1"]);
        assert_eq!(
            (options.runs, options.ops, options.rounds),
            (2, Some(10), Some(4))
        );
        assert!(options.debug);
        assert!(!parse(&[]).unwrap().debug);
        assert_eq!(options.json, Json::File("out.json".into()));
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        for bad in [
            &["nope"][..],
            &["--runs", "0"],
            &["--runs"],
            &["--rounds", "0"],
            &["--ops", "x"],
            &["--json="],
            &["--fast"],
        ] {
            assert!(
                matches!(parse(&args(bad)), Err(Error::Usage(_))),
                "{bad:?} was accepted"
            );
        }
        let Err(Error::Usage(message)) = parse(&args(&["mutx"])) else {
            panic!("an unknown case is a usage error");
        };
        assert!(message.contains("did you mean \"mutex\"?"), "{message}");
        assert!(message.contains("spsc-unbuffered, spsc-cap1"), "{message}");
    }

    #[test]
    fn samples_are_label_tab_number_lines() {
        let text = "crossbeam\t12.5\nstd mpsc\t7\nnoise\njunk\tNaN\nzero\t0\n";
        assert_eq!(
            parse_samples(text),
            [("crossbeam".to_owned(), 12.5), ("std mpsc".to_owned(), 7.0)]
        );
    }

    #[test]
    fn wrk_reports_give_requests_per_second_or_a_reason() {
        let good = "Running 1s test @ http://127.0.0.1:1/\n  1000 requests in 1.00s\n\
                    Requests/sec:  12345.67\nTransfer/sec:      1.00MB\n";
        assert_eq!(parse_wrk(good), Ok(12345.67));
        let refused = format!("{good}  Non-2xx or 3xx responses: 12\n");
        assert!(parse_wrk(&refused).unwrap_err().contains("refused"));
        assert!(parse_wrk("Requests/sec: 0.00\n").is_err());
        assert!(parse_wrk("").is_err());
    }

    #[test]
    fn other_processes_cpu_share_is_what_we_did_not_use() {
        let own = |ticks: u64| format!("42 (x y) S 1 2 3 4 5 6 7 8 9 10 {ticks} 0 0 0 20 0 1 0");
        let before = CpuTimes::parse("cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1", &own(50)).unwrap();
        assert_eq!(
            before,
            CpuTimes {
                busy: 200,
                total: 1000,
                ours: 50
            }
        );
        // 1000 ticks pass, 600 of them busy, 450 of those ours.
        let after = CpuTimes::parse("cpu  500 0 300 1200 0 0 0 0", &own(500)).unwrap();
        assert_eq!(before.others_until(&after), Some(0.15));
        assert_eq!(before.others_until(&before), None);
        assert_eq!(CpuTimes::parse("nonsense", &own(1)), None);
    }

    #[test]
    fn every_case_has_a_unique_name_and_says_what_an_op_is() {
        for (i, case) in CASES.iter().enumerate() {
            assert!(!case.op.is_empty(), "{}", case.name);
            assert!(
                CASES[i + 1..].iter().all(|c| c.name != case.name),
                "{} twice",
                case.name
            );
        }
    }
}
