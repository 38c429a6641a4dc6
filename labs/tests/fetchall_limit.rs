//! Tests of the `fetchall_limit` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fetchall_limit.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fetchall_limit.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{HarnessThread, cpu_used, no_threads_left, seeded, timed, within};
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
            // The server's threads are the test's: the probes measure the code under test alone.
            let _test = HarnessThread::enter();
            let mut connections = Vec::new();
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (in_flight, most) = (in_flight.clone(), most_seen.clone());
                connections.push(thread::spawn(move || {
                    let _test = HarnessThread::enter();
                    answer(stream, &in_flight, &most)
                }));
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

#[test]
fn waiting_for_a_turn_costs_no_cpu() {
    // Threads that wait for a place by looking at a counter again and again (and may both take
    // the last place between a look and an increment) show here as a busy or restless wait.
    let (most, cpu) = no_threads_left(DEADLINE, || {
        let server = Server::start();
        let urls: Vec<String> = (0..12).map(|_| server.url(100, 200)).collect();
        let (fetched, cpu) = cpu_used(|| lab::fetch_all(&urls, 2));
        assert_eq!(fetched.len(), 12, "one result per URL");
        (server.most_in_flight(), cpu)
    });
    assert!(
        most <= 2,
        "{most} requests were in flight at once with a limit of 2"
    );
    if let Some(cpu) = cpu {
        cpu.assert_idle("fetched 12 URLs of 200 ms, 2 at a time");
    }
}

#[test]
fn a_slow_request_does_not_hold_up_the_other_workers() {
    seeded(|rng| {
        // A slow request at the head of every three, quick ones between: a pool of 3 keeps two
        // workers on the quick ones while one waits for a slow one; batches of three wait for
        // each batch's slow request in turn.
        let delays: Vec<u64> = (0..9)
            .map(|i| {
                if i % 3 == 0 {
                    rng.between(800, 1000)
                } else {
                    rng.between(20, 60)
                }
            })
            .collect();
        let slowest = *delays.iter().max().expect("delays");
        // Batches take at least the three slow requests one after another; a pool about the
        // slowest. The bound lies between, far from both.
        let in_turn: u64 = delays.iter().step_by(3).sum();
        let (took, count) = no_threads_left(DEADLINE, {
            let delays = delays.clone();
            move || {
                let server = Server::start();
                let urls: Vec<String> = delays.iter().map(|ms| server.url(10, *ms)).collect();
                let (fetched, took) = timed(|| lab::fetch_all(&urls, 3));
                (took, fetched.len())
            }
        });
        assert_eq!(count, 9, "one result per URL");
        let bound = Duration::from_millis(in_turn * 4 / 5);
        assert!(
            took < bound,
            "requests of {delays:?} ms, 3 at a time, took {took:?}; about {slowest} ms will do: \
             the requests waited for each other. Start the next request as soon as one ends, \
             instead of fetching in batches"
        );
    });
}
