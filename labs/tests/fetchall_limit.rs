//! Tests of the `fetchall_limit` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fetchall_limit.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fetchall_limit.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, timed, within};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(10);

/// A local HTTP server for the tests: `GET /<bytes>/<ms>` answers `<bytes>` bytes after `<ms>`
/// milliseconds, and it records the most requests it had in flight at once.
struct Server {
    addr: SocketAddr,
    most: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let addr = listener.local_addr().expect("a bound address");
        let (most, stop) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (most_seen, stopping) = (most.clone(), stop.clone());
        let acceptor = thread::spawn(move || {
            let mut connections = Vec::new();
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (in_flight, most) = (in_flight.clone(), most_seen.clone());
                connections.push(thread::spawn(move || answer(stream, &in_flight, &most)));
            }
            connections
                .into_iter()
                .for_each(|c| c.join().expect("no panic"));
        });
        Server {
            addr,
            most,
            stop,
            acceptor: Some(acceptor),
        }
    }

    fn url(&self, bytes: usize, ms: u64) -> String {
        format!("http://{}/{bytes}/{ms}", self.addr)
    }

    fn most_in_flight(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wake the acceptor up
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn answer(stream: TcpStream, in_flight: &AtomicUsize, most: &AtomicUsize) {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let mut parts = path
        .trim_start_matches('/')
        .split('/')
        .map(|p| p.parse().unwrap_or(0));
    let (bytes, ms) = (
        parts.next().unwrap_or(0) as usize,
        parts.next().unwrap_or(0),
    );
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    most.fetch_max(now, Ordering::SeqCst);
    thread::sleep(Duration::from_millis(ms));
    in_flight.fetch_sub(1, Ordering::SeqCst);
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {bytes}\r\nConnection: close\r\n\r\n");
    let _ = (&stream).write_all(head.as_bytes());
    let _ = (&stream).write_all(&vec![b'x'; bytes]);
}

#[test]
fn every_url_is_fetched_and_its_bytes_counted() {
    let mut got = no_threads_left(DEADLINE, || {
        let server = Server::start();
        let urls: Vec<String> = [0, 10, 1000, 100_000]
            .iter()
            .map(|b| server.url(*b, 10))
            .collect();
        let fetched = lab::fetch_all(&urls, 2);
        fetched
            .into_iter()
            .map(|f| (f.url.rsplit('/').nth(1).unwrap_or("").to_string(), f.result))
            .collect::<Vec<_>>()
    });
    got.sort_by_key(|(bytes, _)| bytes.parse::<u64>().unwrap_or(0));
    let expected: Vec<(String, Result<u64, String>)> = [0, 10, 1000, 100_000]
        .iter()
        .map(|b| (b.to_string(), Ok(*b)))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn at_most_limit_requests_are_in_flight() {
    let (most, took) = no_threads_left(DEADLINE, || {
        let server = Server::start();
        let urls: Vec<String> = (0..9).map(|_| server.url(100, 150)).collect();
        let (fetched, took) = timed(|| lab::fetch_all(&urls, 3));
        assert_eq!(fetched.len(), 9, "one result per URL");
        (server.most_in_flight(), took)
    });
    assert!(
        most <= 3,
        "{most} requests were in flight at once with a limit of 3"
    );
    assert!(
        most >= 2,
        "only {most} request at a time: the fetches did not overlap"
    );
    // One at a time, 9 requests of 150 ms take 1.35 s; three at a time, about 450 ms.
    assert!(
        took < Duration::from_millis(1000),
        "9 fetches took {took:?}"
    );
}

#[test]
fn a_failed_fetch_is_reported_not_a_panic() {
    let fetched = within(DEADLINE, || {
        // Nothing listens on a port that was just released.
        let free = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
        let refused = format!("http://{}/", free.expect("a free port"));
        lab::fetch_all(&[refused, "not a url".to_string()], 2)
    });
    assert_eq!(fetched.len(), 2, "{fetched:?}");
    for f in &fetched {
        assert!(f.result.is_err(), "{f:?}");
    }
}
