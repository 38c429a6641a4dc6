//! Every implementation of every case runs to the end with a few operations, checks its own
//! result, reports a time, and leaves no thread behind. (Speed is for `cargo xtask bench`;
//! nothing here asserts a timing.)
use chanlab_bench::{Error, Setup, cases, http, implementations};
use chanlab_common::testing::{no_threads_left, within};
use chanlab_server::Server;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);

/// The implementations each workload reports, ours first.
const LABELS: &[(&str, &[&str])] = &[
    (
        "spsc-unbuffered",
        &[
            "crossbeam",
            "std mpsc",
            "kanal",
            "chanlab Handoff (spin, then park)",
        ],
    ),
    ("spsc-cap1", &["crossbeam", "std mpsc"]),
    ("spsc-cap100", &["crossbeam", "std mpsc"]),
    ("mpmc-cap0", &["crossbeam"]),
    ("mpmc-cap100", &["crossbeam"]),
    (
        "ping-pong",
        &[
            "chanlab ping_pong (crossbeam)",
            "std mpsc",
            "kanal",
            "chanlab Handoff (spin, then park)",
            "tokio tasks, chanlab unbuffered, current-thread",
            "tokio tasks, chanlab unbuffered, multi-thread",
            "tokio tasks, mpsc(1), current-thread",
            "tokio tasks, mpsc(1), multi-thread",
            "tokio tasks, kanal async (0), current-thread",
        ],
    ),
    (
        "select",
        &[
            "crossbeam select!",
            "tokio tasks, select!, current-thread",
            "tokio tasks, select!, multi-thread",
        ],
    ),
    (
        "spawn",
        &[
            "std::thread::spawn",
            "chanlab spawn_many (64 KiB)",
            "chanlab WorkerPool (4), tiny jobs",
            "tokio tasks, current-thread",
            "tokio tasks, multi-thread",
        ],
    ),
    (
        "pipeline",
        &[
            "chanlab generate/filter/map",
            "crossbeam, hand-written",
            "std mpsc, hand-written",
            "tokio tasks, chanlab stages, current-thread",
            "tokio tasks, chanlab stages, multi-thread",
            "tokio tasks, mpsc(1), current-thread",
            "tokio tasks, mpsc(1), multi-thread",
            "tokio tasks, kanal async (0), current-thread",
        ],
    ),
    (
        "worker-pool",
        &[
            "chanlab WorkerPool",
            "crossbeam, hand-written",
            "tokio tasks (4), mpsc behind a Mutex, current-thread",
            "tokio tasks (4), mpsc behind a Mutex, multi-thread",
            "tokio tasks (4), kanal async (0), current-thread",
            "tokio tasks (4), kanal async (0), multi-thread",
            "tokio tasks, a task per job, Semaphore(4), current-thread",
            "tokio tasks, a task per job, Semaphore(4), multi-thread",
        ],
    ),
    ("mutex", &["parking_lot::Mutex", "std::sync::Mutex"]),
    (
        "waitgroup",
        &["chanlab WaitGroup", "crossbeam WaitGroup (clone/drop)"],
    ),
    (
        "context-cancel",
        &[
            "chanlab Context",
            "crossbeam, drop a Sender",
            "CancellationToken, current-thread",
            "CancellationToken, multi-thread",
        ],
    ),
    ("fetchall", &["chanlab fetch_all"]),
];

/// Runs every implementation of `case` once, and returns their labels.
fn labels_of(case: &'static str, setup: Setup) -> Vec<&'static str> {
    let rows = implementations(case);
    assert!(!rows.is_empty(), "no case {case}");
    no_threads_left(DEADLINE, move || {
        for row in &rows {
            let ns = (row.run)(&setup).unwrap_or_else(|e| panic!("{case} ({}): {e}", row.label));
            assert!(ns.is_finite() && ns > 0.0, "{case} ({}): {ns}", row.label);
        }
        rows.iter().map(|r| r.label).collect()
    })
}

#[test]
fn every_case_is_listed_with_its_implementations() {
    let listed: Vec<&str> = LABELS.iter().map(|(case, _)| *case).collect();
    assert_eq!(cases(), listed);
    for (case, labels) in LABELS {
        let rows: Vec<&str> = implementations(case).iter().map(|r| r.label).collect();
        assert_eq!(&rows, labels, "{case}");
    }
    assert!(implementations("nope").is_empty());
}

#[test]
fn the_in_memory_workloads_run_and_check_themselves() {
    // Odd counts, so that shares of four and halves are uneven; a few runs each, since a race
    // in a workload could hide in one.
    for ops in [1, 7, 203] {
        for (case, labels) in LABELS.iter().filter(|(case, _)| *case != "fetchall") {
            let ops = if *case == "context-cancel" {
                ops.min(7)
            } else {
                ops
            };
            assert_eq!(&labels_of(case, Setup::ops(ops)), labels, "{case}");
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
    let fetchall = implementations("fetchall")[0].run;
    let missing = fetchall(&Setup::ops(3)).unwrap_err();
    assert!(matches!(missing, Error::NoTarget), "{missing}");
    let refused = within(DEADLINE, move || {
        fetchall(&Setup {
            ops: 3,
            target: Some("http://127.0.0.1:1".into()), // nothing listens on port 1
        })
    })
    .unwrap_err();
    assert!(matches!(refused, Error::Fetch(_)), "{refused}");
    let too_many = fetchall(&Setup::ops(1_000_000)).unwrap_err();
    assert!(matches!(too_many, Error::Ops { .. }), "{too_many}");
}

#[test]
fn out_of_range_counts_are_errors_not_panics() {
    for (case, ops) in [("spawn", 0), ("spawn", 1_000_000), ("context-cancel", 0)] {
        for row in implementations(case) {
            let err = (row.run)(&Setup::ops(ops)).unwrap_err();
            assert!(matches!(err, Error::Ops { .. }), "{case} {ops}: {err}");
        }
    }
}

#[test]
fn a_wrong_result_is_an_error() {
    assert_eq!(chanlab_bench::checked(2.5, 1, 1).unwrap(), 2.5);
    let err = chanlab_bench::checked(2.5, 1, 2).unwrap_err();
    assert_eq!(err.to_string(), "got 1, expected 2");
}

#[test]
fn a_wrapped_error_is_told_once() {
    let refused = Error::from(std::io::Error::other("started 3 of 9 threads"));
    let told = format!("{:#}", anyhow::Error::from(refused));
    assert_eq!(told, "could not start a thread: started 3 of 9 threads");
}

#[test]
fn every_server_prints_its_url_serves_and_stops_when_its_input_ends() {
    for (name, served) in http::Served::ALL {
        serve_once(served);
        assert_eq!(http::Served::named(name), Some(served));
    }
    assert_eq!(http::Served::named("thread"), None);
}

fn serve_once(served: http::Served) {
    no_threads_left(DEADLINE, move || {
        let (input, keep_open) = std::io::pipe().expect("a pipe");
        let (mut urls, out) = std::io::pipe().expect("a pipe");
        let server = thread::spawn(move || http::serve(served, input, out));
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
