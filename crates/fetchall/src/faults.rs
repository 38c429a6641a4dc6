//! A deliberately misbehaving HTTP server on loopback, for showing and testing how a client
//! copes with servers that stall, cut, drip, never stop, or redirect forever.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// One way to misbehave; each has its own path on the [`FaultyServer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Promises a 100,000-byte body, sends 1,000 bytes, and closes the connection.
    CutBody,
    /// Reads the request and never answers.
    Stall,
    /// Sends a chunked body that never ends.
    EndlessBody,
    /// Sends a 100-byte body one byte every 50 ms.
    SlowDrip,
    /// Redirects to itself, forever.
    RedirectLoop,
}

impl Fault {
    /// Every fault, for demonstrations and tests that go through them all.
    pub const ALL: [Fault; 5] = [
        Fault::CutBody,
        Fault::Stall,
        Fault::EndlessBody,
        Fault::SlowDrip,
        Fault::RedirectLoop,
    ];

    /// The path that triggers this fault.
    pub fn path(self) -> &'static str {
        match self {
            Fault::CutBody => "/cut",
            Fault::Stall => "/stall",
            Fault::EndlessBody => "/endless",
            Fault::SlowDrip => "/drip",
            Fault::RedirectLoop => "/redirect",
        }
    }

    fn from_path(path: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.path() == path)
    }
}

/// A loopback server whose every path misbehaves in its own way. Dropping it stops it and joins
/// every thread it started.
///
/// ```
/// use chanlab_fetchall::faults::{Fault, FaultyServer};
///
/// let server = FaultyServer::start().unwrap();
/// let url = server.url(Fault::CutBody);
/// assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/cut"));
/// ```
#[derive(Debug)]
pub struct FaultyServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl FaultyServer {
    /// Starts on an ephemeral loopback port.
    pub fn start() -> io::Result<FaultyServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = thread::Builder::new().name("faulty server".into()).spawn({
            let stop = stop.clone();
            move || accept(listener, &stop)
        })?;
        Ok(FaultyServer {
            addr,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL that triggers `fault`.
    pub fn url(&self, fault: Fault) -> String {
        format!("http://{}{}", self.addr, fault.path())
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Accepts until stopped; the scope joins every connection's thread before returning.
fn accept(listener: TcpListener, stop: &AtomicBool) {
    thread::scope(|s| {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let spawned = thread::Builder::new()
                .name("faulty conn".into())
                .spawn_scoped(s, move || {
                    let _ = misbehave(stream, stop);
                });
            if spawned.is_err() {
                continue; // out of threads: drop the connection
            }
        }
    });
}

/// How often a stalled or dripping connection looks at the stop flag.
const POLL: Duration = Duration::from_millis(10);

fn misbehave(mut stream: TcpStream, stop: &AtomicBool) -> io::Result<()> {
    stream.set_read_timeout(Some(POLL))?;
    // A client that stops reading must not pin this thread: a blocked write gives up.
    stream.set_write_timeout(Some(Duration::from_secs(1)))?;
    let Some(path) = read_request_path(&mut stream, stop)? else {
        return Ok(());
    };
    let Some(fault) = Fault::from_path(&path) else {
        return stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    match fault {
        Fault::CutBody => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")?;
            stream.write_all(&[b'x'; 1000])?;
            Ok(()) // dropping the stream closes it 99,000 bytes early
        }
        Fault::Stall => {
            while !stop.load(Ordering::SeqCst) && !peer_closed(&mut stream)? {}
            Ok(())
        }
        Fault::EndlessBody => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")?;
            let chunk = [b'y'; 16 * 1024];
            while !stop.load(Ordering::SeqCst) {
                stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                stream.write_all(&chunk)?;
                stream.write_all(b"\r\n")?;
            }
            Ok(())
        }
        Fault::SlowDrip => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")?;
            for _ in 0..100 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                stream.write_all(b"z")?;
                thread::sleep(Duration::from_millis(50));
            }
            Ok(())
        }
        Fault::RedirectLoop => stream.write_all(
            b"HTTP/1.1 302 Found\r\nLocation: /redirect\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
    }
}

/// Reads up to the end of the request head and returns the path; `None` if the peer went away
/// or the server is stopping.
fn read_request_path(stream: &mut TcpStream, stop: &AtomicBool) -> io::Result<Option<String>> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if stop.load(Ordering::SeqCst) || head.len() > 64 * 1024 {
            return Ok(None);
        }
        match stream.read(&mut buffer) {
            Ok(0) => return Ok(None),
            Ok(n) => head.extend_from_slice(&buffer[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e),
        }
    }
    let line = String::from_utf8_lossy(&head);
    Ok(line.split_whitespace().nth(1).map(str::to_owned))
}

/// Waits one poll interval for the peer; returns whether it has closed the connection.
fn peer_closed(stream: &mut TcpStream) -> io::Result<bool> {
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => Ok(true),
        Ok(_) => Ok(false),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(false)
        }
        Err(_) => Ok(true),
    }
}
