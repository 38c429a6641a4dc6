//! Graceful shutdown: accepting stops at once, requests in progress finish, idle connections are
//! closed, and every thread the server started is joined before shutdown returns.

use crate::support::{DEADLINE, agent, closed, connect, get, read_response};
use chanlab_common::testing::no_threads_left;
use chanlab_server::routes::{self, GET};
use chanlab_server::{Config, Error, Request, Response, Router, Running, Server, echo};
use crossbeam_channel::{Receiver, unbounded};
use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

/// A server whose `/sleep` (the lesson's handler) reports each request it starts, so a test
/// knows the request is in progress before it shuts the server down; other paths echo.
fn sleep_server() -> (Running, Receiver<()>) {
    let (entered, entering) = unbounded();
    let router = Router::new()
        .route("/sleep", GET, move |req: &Request, res: &mut Response| {
            entered.send(()).unwrap();
            routes::sleep(req, res);
        })
        .fallback(GET, echo::handler);
    let server = Server::bind("127.0.0.1:0").unwrap().handler(router);
    (server.spawn().unwrap(), entering)
}

#[test]
fn shutdown_drains_an_inflight_sleep() {
    for _ in 0..3 {
        no_threads_left(DEADLINE, || {
            let (server, entering) = sleep_server();
            let stop = server.shutdown_handle();
            let url = server.url("/sleep?ms=1000");
            let client = thread::spawn(move || get(&agent(), &url));
            entering.recv_timeout(DEADLINE).unwrap();
            let addr = server.addr();
            stop.shutdown();
            // New connections are refused while the sleep is still going on...
            while TcpStream::connect(addr).is_ok() {
                thread::sleep(Duration::from_millis(5));
            }
            assert_eq!(
                stop.live_connections(),
                1,
                "the sleep was still in progress"
            );
            // ...and the shutdown waits for it to finish: the client gets its full answer.
            server.shutdown().unwrap();
            assert_eq!(stop.live_connections(), 0);
            assert_eq!(client.join().unwrap(), (200, "slept 1000 ms\n".into()));
        });
    }
}

#[test]
fn idle_connections_do_not_hold_up_shutdown_and_busy_ones_are_told_to_close() {
    no_threads_left(DEADLINE, || {
        let (server, entering) = sleep_server();
        let mut idle: Vec<TcpStream> = (0..20)
            .map(|i| {
                let mut stream = connect(server.addr());
                write!(stream, "GET /{i} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                assert_eq!(read_response(&mut stream).status, 200);
                stream
            })
            .collect();
        let mut busy = connect(server.addr());
        busy.write_all(b"GET /sleep?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        entering.recv_timeout(DEADLINE).unwrap();
        let start = Instant::now();
        server.shutdown().unwrap(); // the idle timeout is a minute: they were closed, not waited for
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        for stream in &mut idle {
            assert!(closed(stream));
        }
        let res = read_response(&mut busy);
        assert_eq!((res.status, res.header("connection")), (200, Some("close")));
        assert!(closed(&mut busy));
    });
}

#[test]
fn serve_blocks_until_a_shutdown_handle_stops_it() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap();
        let stop = server.shutdown_handle();
        let url = format!("http://{}/x", server.local_addr());
        let serving = thread::spawn(move || server.serve());
        assert_eq!(get(&agent(), &url).0, 200);
        assert!(!stop.is_shutting_down());
        stop.shutdown();
        stop.shutdown(); // twice is harmless
        serving.join().unwrap().unwrap();
        assert!(stop.is_shutting_down());
    });
}

#[test]
fn a_server_stopped_before_it_serves_returns_at_once() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap();
        server.shutdown_handle().shutdown();
        server.serve().unwrap();
    });
}

#[test]
fn dropping_the_handle_stops_the_server_and_joins_its_threads() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let addr = server.addr();
        let agents: Vec<_> = (0..30).map(|_| agent()).collect();
        thread::scope(|s| {
            for agent in &agents {
                let url = server.url("/busy");
                s.spawn(move || assert_eq!(get(agent, &url).0, 200));
            }
        });
        drop(server); // 30 kept-alive connections, each with its thread: all joined here
        assert!(TcpStream::connect(addr).is_err());
    });
}

#[test]
fn bad_configurations_and_addresses_are_errors() {
    no_threads_left(DEADLINE, bad_configurations);
}

fn bad_configurations() {
    let zero = Config {
        idle_timeout: Duration::ZERO,
        ..Config::default()
    };
    let err = Server::bind_with("127.0.0.1:0", zero).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad server configuration: idle_timeout must be more than zero"
    );
    let none = Config {
        max_connections: 0,
        ..Config::default()
    };
    assert!(matches!(
        Server::bind_with("127.0.0.1:0", none),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Server::bind("not an address"),
        Err(Error::Resolve(_))
    ));
    let taken = Server::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr();
    let err = Server::bind(addr).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("cannot listen on {addr}: ")),
        "{err}"
    );
}
