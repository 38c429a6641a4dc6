//! Tests of failures: every kind of bad URL gets its own error line, exit status 1, and no hang.
use chanlab_common::testing::{STEP_DEADLINE, limit_threads, run_step, within};
use chanlab_fetchall::errors::{self, bad_urls};
use chanlab_fetchall::faults::FaultyServer;
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

/// What each bad URL's line must say, in the order `bad_urls` lists them.
const EXPECTED: [&str; 15] = [
    "invalid URL",
    "unsupported scheme \"ftp\"",
    "connection refused",
    "unknown host \"no-such-host.invalid\"",
    "HTTP status 400",
    "timed out after",
    "connection cut after 1000 body bytes", // cut
    "timed out after",                      // stall
    "timed out after",                      // endless body
    "timed out after",                      // slow drip
    "too many redirects",
    "connection cut after 1000 body bytes", // reset
    "timed out after",                      // lying Content-Length
    "too many headers",                     // endless headers
    "invalid HTTP version",                 // not HTTP
];

#[test]
fn the_errors_step_reports_every_kind() {
    let t = run_step(errors::run, 0.1);
    assert!(t.contains("15 failed and 0 succeeded"), "{t}");
    for expected in EXPECTED {
        assert!(t.contains(expected), "no line says {expected:?}:\n{t}");
    }
}

#[test]
fn the_binary_prints_an_error_line_per_bad_url_and_exits_1() {
    let output = within(STEP_DEADLINE, || {
        let demo = chanlab_server::Server::bind("127.0.0.1:0")
            .unwrap()
            .spawn()
            .unwrap();
        let faulty = FaultyServer::start().unwrap();
        let closed = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let timeout = Duration::from_secs(1);
        let urls = bad_urls(&format!("http://{}", demo.addr()), &faulty, closed, timeout);
        let output = Command::new(env!("CARGO_BIN_EXE_fetchall"))
            .args(["--timeout", "1s"]) // as written: `fetchall --timeout 1s URL...`
            .args(&urls)
            .output()
            .unwrap();
        (urls, output)
    });
    let (urls, output) = output;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    for (url, expected) in urls.iter().zip(EXPECTED) {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{url}: ")))
            .unwrap_or_else(|| {
                panic!("no error line for {url}:\n{stdout}");
            });
        assert!(line.contains(expected), "{line:?} should say {expected:?}");
    }
    assert!(
        stdout.lines().last().unwrap().ends_with("s elapsed"),
        "{stdout}"
    );
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &["--timeout"][..],
        &["--timeout", "soon"],
        &["--concurrency", "0"],
        &["--bogus"],
    ] {
        // As written, and after the runner's `--`.
        for dashes in [&[][..], &["--"]] {
            let output = within(STEP_DEADLINE, move || {
                Command::new(env!("CARGO_BIN_EXE_fetchall"))
                    .args(dashes)
                    .args(args)
                    .output()
                    .unwrap()
            });
            assert_eq!(output.status.code(), Some(2), "{dashes:?} {args:?}");
            assert!(!output.stderr.is_empty(), "{args:?}: no message");
        }
    }
}

/// With threads for only about 40 fetches, 300 slow URLs at a concurrency of 200: one line says
/// how many threads started, the error and the likely limit; every fetch that started finishes
/// and prints its line; the exit status is 1. No abort, and no error line per URL left.
#[cfg(target_os = "linux")]
#[test]
fn a_refused_thread_is_one_line_and_the_fetches_in_flight_finish() {
    // The server's threads live inside `within`, so no other test's leak check counts them.
    let output = within(STEP_DEADLINE, || {
        let server = chanlab_server::Server::bind("127.0.0.1:0")
            .unwrap()
            .spawn()
            .unwrap();
        let urls: Vec<String> = (0..300)
            .map(|_| format!("http://{}/sleep?ms=500", server.addr()))
            .collect();
        let mut command = Command::new(env!("CARGO_BIN_EXE_fetchall"));
        command.args(["--", "--concurrency", "200"]).args(&urls);
        limit_threads(&mut command, 40);
        command.output().unwrap()
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let refused: Vec<&str> = stdout.lines().filter(|l| l.contains("no thread")).collect();
    assert_eq!(refused.len(), 1, "{stdout}");
    let line = refused[0];
    assert!(line.contains("the system refused the next: "), "{line}");
    assert!(line.contains("the likely limit: ulimit -u = "), "{line}");
    let started: usize = line
        .split("started ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line:?}"));
    assert!((1..300).contains(&started), "{line}");
    let fetched = stdout
        .lines()
        .filter(|l| l.ends_with("/sleep?ms=500"))
        .count();
    assert_eq!(
        fetched, started,
        "a started fetch did not finish:\n{stdout}"
    );
    assert!(stdout.trim_end().ends_with("s elapsed"), "{stdout}");
}
