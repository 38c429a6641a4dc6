//! A minimal loopback HTTP server for the tests: every request gets `body_len` bytes after
//! `delay`, and the server keeps count of how many requests it was serving at once.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// A running counting server; dropping it stops it and joins its threads.
pub struct CountingServer {
    pub addr: SocketAddr,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    served: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    acceptor: Option<thread::JoinHandle<()>>,
}

impl CountingServer {
    pub fn start(delay: Duration, body_len: u64) -> CountingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let served = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = thread::spawn({
            let (in_flight, peak, served, stop) = (
                in_flight.clone(),
                peak.clone(),
                served.clone(),
                stop.clone(),
            );
            move || {
                thread::scope(|s| {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let (in_flight, peak, served, stop) = (&in_flight, &peak, &served, &stop);
                        s.spawn(move || {
                            serve(stream, delay, body_len, in_flight, peak, served, stop)
                        });
                    }
                })
            }
        });
        CountingServer {
            addr,
            in_flight,
            peak,
            served,
            stop,
            acceptor: Some(acceptor),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The most requests that were being served at the same moment.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

impl Drop for CountingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.join().unwrap();
        }
        assert_eq!(self.in_flight.load(Ordering::SeqCst), 0);
    }
}

fn serve(
    stream: TcpStream,
    delay: Duration,
    body_len: u64,
    in_flight: &AtomicUsize,
    peak: &AtomicUsize,
    served: &AtomicUsize,
    stop: &AtomicBool,
) {
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    // Keep-alive: one request after another on the same connection.
    while !stop.load(Ordering::SeqCst) {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(_) => continue, // read timeout: look at the stop flag again
        }
        // Skip the rest of the head.
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header) {
                Ok(0) => return,
                Ok(_) if header == "\r\n" => break,
                Ok(_) => {}
                Err(_) if stop.load(Ordering::SeqCst) => return,
                Err(_) => {}
            }
        }
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        thread::sleep(delay);
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {body_len}\r\n\r\n");
        let mut result = writer.write_all(head.as_bytes());
        let chunk = [b'a'; 64 * 1024];
        let mut left = body_len;
        while result.is_ok() && left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            result = writer.write_all(&chunk[..n]);
            left -= n as u64;
        }
        in_flight.fetch_sub(1, Ordering::SeqCst);
        served.fetch_add(1, Ordering::SeqCst);
        if result.is_err() {
            return;
        }
    }
}
