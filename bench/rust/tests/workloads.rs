//! Every workload runs to the end with a few operations, checks its own result, reports a time
//! per implementation, and leaves no thread behind. (Speed is for `cargo xtask bench`; nothing
//! here asserts a timing.)
use chanlab_bench::{Error, Setup, WORKLOADS, find, http};
use chanlab_common::testing::{no_threads_left, within};
use chanlab_server::Server;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);

/// The implementations each workload reports, ours first.
const LABELS: &[(&str, &[&str])] = &[
    ("spsc-unbuffered", &["crossbeam", "std mpsc"]),
    ("spsc-cap1", &["crossbeam", "std mpsc"]),
    ("spsc-cap100", &["crossbeam", "std mpsc"]),
    ("mpmc-cap0", &["crossbeam"]),
    ("mpmc-cap100", &["crossbeam"]),
    ("ping-pong", &["chanlab ping_pong (crossbeam)", "std mpsc"]),
    ("select", &["crossbeam select!"]),
    (
        "spawn",
        &[
            "std::thread::spawn",
            "chanlab spawn_many (64 KiB)",
            "chanlab WorkerPool (4), tiny jobs",
        ],
    ),
    (
        "pipeline",
        &[
            "chanlab generate/filter/map",
            "crossbeam, hand-written",
            "std mpsc, hand-written",
        ],
    ),
    (
        "worker-pool",
        &["chanlab WorkerPool", "crossbeam, hand-written"],
    ),
    ("mutex", &["parking_lot::Mutex", "std::sync::Mutex"]),
    (
        "waitgroup",
        &["chanlab WaitGroup", "crossbeam WaitGroup (clone/drop)"],
    ),
    (
        "context-cancel",
        &["chanlab Context", "crossbeam, drop a Sender"],
    ),
    ("fetchall", &["chanlab fetch_all"]),
];

fn labels_of(name: &str, setup: Setup) -> Vec<&'static str> {
    let workload = find(name).unwrap_or_else(|| panic!("no workload {name}"));
    let samples = no_threads_left(DEADLINE, move || (workload.run)(&setup))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    for sample in &samples {
        assert!(
            sample.ns_per_op.is_finite() && sample.ns_per_op > 0.0,
            "{name}: {sample:?}"
        );
    }
    samples.iter().map(|s| s.label).collect()
}

#[test]
fn every_workload_is_listed_with_its_implementations() {
    let names: Vec<&str> = WORKLOADS.iter().map(|w| w.name).collect();
    let listed: Vec<&str> = LABELS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, listed);
}

#[test]
fn the_in_memory_workloads_run_and_check_themselves() {
    // Odd counts, so that shares of four and halves are uneven; a few runs each, since a race
    // in a workload could hide in one.
    for ops in [1, 7, 203] {
        for (name, labels) in LABELS.iter().filter(|(name, _)| *name != "fetchall") {
            let ops = if *name == "context-cancel" {
                ops.min(7)
            } else {
                ops
            };
            assert_eq!(&labels_of(name, Setup::ops(ops)), labels, "{name}");
        }
    }
}

#[test]
fn fetchall_fetches_every_url_of_a_local_server() {
    let server = within(DEADLINE, || {
        Server::bind("127.0.0.1:0").and_then(Server::spawn)
    })
    .expect("a server on a free port");
    let setup = Setup {
        ops: 40,
        target: Some(server.url("/")),
    };
    assert_eq!(labels_of("fetchall", setup), ["chanlab fetch_all"]);
    within(DEADLINE, move || server.shutdown()).expect("the server stops");
}

#[test]
fn fetchall_needs_a_reachable_target() {
    let workload = find("fetchall").unwrap();
    let missing = (workload.run)(&Setup::ops(3)).unwrap_err();
    assert!(matches!(missing, Error::NoTarget("fetchall")), "{missing}");
    let refused = within(DEADLINE, move || {
        (workload.run)(&Setup {
            ops: 3,
            target: Some("http://127.0.0.1:1".into()), // nothing listens on port 1
        })
    })
    .unwrap_err();
    assert!(matches!(refused, Error::Fetch(_)), "{refused}");
    let too_many = (workload.run)(&Setup::ops(1_000_000)).unwrap_err();
    assert!(matches!(too_many, Error::Ops { .. }), "{too_many}");
}

#[test]
fn out_of_range_counts_are_errors_not_panics() {
    for (name, ops) in [("spawn", 0), ("spawn", 1_000_000), ("context-cancel", 0)] {
        let err = (find(name).unwrap().run)(&Setup::ops(ops)).unwrap_err();
        assert!(matches!(err, Error::Ops { .. }), "{name} {ops}: {err}");
    }
}

#[test]
fn a_wrong_result_is_an_error() {
    assert!(chanlab_bench::check("c", "l", 1, 1).is_ok());
    let err = chanlab_bench::check("c", "l", 1, 2).unwrap_err();
    assert_eq!(err.to_string(), "c (l): got 1, expected 2");
}

#[test]
fn serve_prints_its_url_serves_and_stops_when_its_input_ends() {
    no_threads_left(DEADLINE, || {
        let (input, keep_open) = std::io::pipe().expect("a pipe");
        let (mut urls, out) = std::io::pipe().expect("a pipe");
        let server = thread::spawn(move || http::serve(input, out));
        let mut url = String::new();
        let mut first = [0u8; 1];
        // Read the address line byte by byte: a buffered reader would keep the pipe open.
        while urls.read(&mut first).expect("the server writes its URL") == 1 && first[0] != b'\n' {
            url.push(first[0] as char);
        }
        let addr = url.strip_prefix("http://").expect("an http URL");
        let mut stream = TcpStream::connect(addr).expect("the server listens");
        stream
            .write_all(b"GET /bench HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut lines = BufReader::new(stream).lines().map(Result::unwrap);
        assert_eq!(lines.next().as_deref(), Some("HTTP/1.1 200 OK"));
        assert!(lines.any(|l| l == "URL.Path = \"/bench\""));
        drop(keep_open); // stdin closes: the server drains and returns
        server
            .join()
            .expect("serve does not panic")
            .expect("serve stops cleanly");
    });
}
