//! Tests of the `request_counter` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/request_counter.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/request_counter.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::no_threads_left;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(10);
const CLIENTS: usize = 8;
const REQUESTS_PER_CLIENT: usize = 25;

/// Serves `lab::handle` over HTTP on a local port, a thread per connection, until `stop` is set
/// and one more connection arrives.
fn serve(listener: TcpListener, stop: Arc<AtomicBool>) {
    let stats = Arc::new(lab::Stats::default());
    let mut connections = Vec::new();
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let stats = stats.clone();
        connections.push(thread::spawn(move || {
            let mut request_line = String::new();
            if BufReader::new(&stream)
                .read_line(&mut request_line)
                .is_err()
            {
                return;
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let body = lab::handle(path, &stats);
            let _ = write!(
                &stream,
                "HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }));
    }
    connections
        .into_iter()
        .for_each(|c| c.join().expect("no panic"));
}

/// GETs `path` and returns the body.
fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    write!(stream, "GET {path} HTTP/1.0\r\n\r\n").expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default()
}

/// Runs a server, sends it `CLIENTS` × `REQUESTS_PER_CLIENT` requests from concurrent clients,
/// and returns the request numbers it answered and its final `/count` answer.
fn load() -> (Vec<u64>, String) {
    no_threads_left(DEADLINE, || {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let addr = listener.local_addr().expect("a bound address");
        let stop = Arc::new(AtomicBool::new(false));
        let server = {
            let stop = stop.clone();
            thread::spawn(move || serve(listener, stop))
        };
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                thread::spawn(move || {
                    (0..REQUESTS_PER_CLIENT)
                        .map(|i| get(addr, &format!("/client{client}/{i}")))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut numbers = Vec::new();
        for client in clients {
            for body in client.join().expect("a client does not panic") {
                let number = body.lines().find_map(|l| l.strip_prefix("request #"));
                numbers.push(number.and_then(|n| n.parse().ok()).unwrap_or(0));
            }
        }
        let count = get(addr, "/count");
        stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(addr); // wake the server up, so it sees `stop`
        server.join().expect("the server does not panic");
        (numbers, count)
    })
}

#[test]
fn every_request_is_counted_exactly_once() {
    let total = CLIENTS * REQUESTS_PER_CLIENT;
    // A lost update may hide in one run: try three.
    for run in 1..=3 {
        let (mut numbers, count) = load();
        assert_eq!(
            count,
            format!("Count {total}\n"),
            "run {run}: {total} requests were made; the lost ones were counted over each other"
        );
        numbers.sort_unstable();
        let expected: Vec<u64> = (1..=total as u64).collect();
        assert_eq!(
            numbers, expected,
            "run {run}: each request should get its own number, 1 to {total}"
        );
    }
}

#[test]
fn the_counter_page_is_not_counted() {
    let stats = lab::Stats::default();
    assert_eq!(lab::handle("/count", &stats), "Count 0\n");
    assert_eq!(
        lab::handle("/a b", &stats),
        "URL.Path = \"/a b\"\nrequest #1\n"
    );
    assert_eq!(lab::handle("/count", &stats), "Count 1\n");
}
