//! Slow, idle and too many clients: each is cut off by a limit, so none can pin a thread.

use crate::support::{DEADLINE, agent, closed, connect, get, read_response};
use chanlab_common::testing::no_threads_left;
use chanlab_server::{Config, Request, Response, Router, Server, routes::GET};
use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

fn short_timeouts() -> Config {
    Config {
        read_header_timeout: Duration::from_millis(300),
        read_body_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(300),
        write_timeout: Duration::from_millis(300),
        ..Config::default()
    }
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    for _ in 0..3 {
        no_threads_left(DEADLINE, || {
            let config = short_timeouts();
            let server = Server::bind_with("127.0.0.1:0", config)
                .unwrap()
                .spawn()
                .unwrap();
            let mut stream = connect(server.addr());
            let sent = Instant::now(); // the server's idle wait starts after this
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            assert_eq!(read_response(&mut stream).status, 200);
            assert!(
                closed(&mut stream),
                "closed within the client's read timeout"
            );
            let idle = sent.elapsed();
            assert!(idle >= config.idle_timeout, "closed too early: {idle:?}");
            server.shutdown().unwrap();
        });
    }
}

#[test]
fn a_connection_that_never_sends_is_closed_after_the_read_header_timeout() {
    no_threads_left(DEADLINE, || {
        let config = Config {
            idle_timeout: Duration::from_secs(60),
            ..short_timeouts()
        };
        let server = Server::bind_with("127.0.0.1:0", config)
            .unwrap()
            .spawn()
            .unwrap();
        let start = Instant::now();
        let mut silent = connect(server.addr());
        assert!(closed(&mut silent));
        assert!(start.elapsed() >= config.read_header_timeout);
        server.shutdown().unwrap();
    });
}

#[test]
fn a_slowloris_gets_408_however_steadily_it_trickles() {
    no_threads_left(DEADLINE, || {
        let config = short_timeouts();
        let server = Server::bind_with("127.0.0.1:0", config)
            .unwrap()
            .spawn()
            .unwrap();
        let start = Instant::now();
        let mut slow = connect(server.addr());
        // A byte every 50 ms never lets a read time out, but the head never completes in time.
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".iter().cycle() {
            if slow.write_all(&[*byte]).is_err() || start.elapsed() > Duration::from_secs(3) {
                break;
            }
            thread::sleep(Duration::from_millis(50));
            if start.elapsed() > config.read_header_timeout + Duration::from_millis(200) {
                break;
            }
        }
        let res = read_response(&mut slow);
        assert_eq!(
            (res.status, res.body.as_str()),
            (408, "request headers too slow\n")
        );
        assert!(start.elapsed() >= config.read_header_timeout);
        // A slow body is cut off the same way.
        let mut slow = connect(server.addr());
        slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
            .unwrap();
        assert_eq!(read_response(&mut slow).status, 408);
        assert_eq!(get(&agent(), &server.url("/")).0, 200);
        server.shutdown().unwrap();
    });
}

#[test]
fn over_the_cap_a_client_gets_503_and_a_freed_slot_is_reused() {
    no_threads_left(DEADLINE, || {
        let config = Config {
            max_connections: 2,
            ..Config::default()
        };
        let server = Server::bind_with("127.0.0.1:0", config)
            .unwrap()
            .spawn()
            .unwrap();
        let stop = server.shutdown_handle();
        let mut held: Vec<_> = (0..2)
            .map(|i| {
                let mut stream = connect(server.addr());
                write!(stream, "GET /{i} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                assert_eq!(read_response(&mut stream).status, 200);
                stream
            })
            .collect();
        assert_eq!(stop.live_connections(), 2);
        for _ in 0..3 {
            let (status, body) = get(&agent(), &server.url("/third"));
            assert_eq!(
                (status, body.as_str()),
                (503, "server busy: too many connections, try again\n")
            );
        }
        // The held connections still work.
        held[0]
            .write_all(b"GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut held[0]).status, 200);
        // Free a slot: once the server has seen the close, a new client gets in.
        drop(held.pop());
        while stop.live_connections() > 1 {
            thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(get(&agent(), &server.url("/fourth")).0, 200);
        server.shutdown().unwrap();
    });
}

#[test]
fn a_client_that_does_not_read_is_dropped_after_the_write_timeout() {
    no_threads_left(DEADLINE, || {
        let huge = |_: &Request, res: &mut Response| {
            res.bytes(200, "application/octet-stream", vec![0; 64 << 20])
        };
        let server = Server::bind_with("127.0.0.1:0", short_timeouts())
            .unwrap()
            .handler(Router::new().route("/huge", GET, huge))
            .spawn()
            .unwrap();
        let mut stream = connect(server.addr());
        stream
            .write_all(b"GET /huge HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        thread::sleep(Duration::from_millis(100)); // the server is writing, we are not reading
        // The shutdown waits for the stuck write, which gives up after its timeout.
        let start = Instant::now();
        server.shutdown().unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    });
}

/// Set in a child process of this test binary, which runs under a lowered thread limit.
const UNDER_A_THREAD_LIMIT: &str = "CHANLAB_TEST_UNDER_A_THREAD_LIMIT";

/// Where the system runs out of threads before the cap is reached, a connection it has no thread
/// for is answered `503`, as one over the cap is, and not dropped; and the default cap is within
/// what the process can hold. The limit is lowered for a child process only, so only the child
/// meets it.
#[cfg(target_os = "linux")]
#[test]
fn a_connection_the_system_has_no_thread_for_is_answered_503() {
    const NAME: &str = "a_connection_the_system_has_no_thread_for_is_answered_503";
    if std::env::var_os(UNDER_A_THREAD_LIMIT).is_some() {
        return hold_connections_under_the_limit();
    }
    // libtest names a test by its path below the test crate: `limits::<fn>`.
    let name = format!("{}::{NAME}", module_path!().split_once("::").unwrap().1);
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", &name, "--nocapture", "--test-threads=1"])
        .env(UNDER_A_THREAD_LIMIT, "1");
    chanlab_common::testing::limit_threads(&mut command, 40);
    let output = chanlab_common::testing::output_within(DEADLINE, &mut command);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("held open with 200, the rest 503"),
        "{stdout}"
    );
}

/// The child's part: the default cap is what about 40 threads allow; a server capped far above
/// that gets 100 connections, each kept open after one request.
fn hold_connections_under_the_limit() {
    let cap = chanlab_server::default_max_connections();
    assert!(
        (1..=40).contains(&cap),
        "default cap {cap} with ~40 threads free"
    );
    let config = Config {
        max_connections: 1000,
        ..Config::default()
    };
    let server = Server::bind_with("127.0.0.1:0", config)
        .unwrap()
        .spawn()
        .unwrap();
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..100 {
        let mut stream = connect(server.addr());
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        match read_response(&mut stream).status {
            200 => held.push(stream),
            503 => refused += 1,
            status => panic!("status {status}"),
        }
    }
    assert!(
        !held.is_empty() && refused > 0,
        "{} held, {refused} refused",
        held.len()
    );
    println!(
        "default cap {cap}; {} held open with 200, the rest 503",
        held.len()
    );
    drop(held);
    server.shutdown().unwrap();
}
