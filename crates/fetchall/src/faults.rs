//! A deliberately misbehaving HTTP server on loopback, for showing and testing how a client
//! copes with servers that stall, cut or reset a body, lie about its length, drip, never stop,
//! send headers forever, do not speak HTTP, or redirect forever.

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
    /// Promises a 100,000-byte body, sends 1,000 bytes, and resets the connection.
    ResetMidBody,
    /// Promises a 100,000-byte body, sends 1,000 bytes, and then sends nothing more while
    /// keeping the connection open: the `Content-Length` is a lie only a timeout uncovers.
    LyingLength,
    /// Sends header lines forever and never ends the head.
    EndlessHeaders,
    /// Answers with a line that is not HTTP at all, and closes.
    NotHttp,
}

impl Fault {
    /// Every fault, for demonstrations and tests that go through them all.
    pub const ALL: [Fault; 9] = [
        Fault::CutBody,
        Fault::Stall,
        Fault::EndlessBody,
        Fault::SlowDrip,
        Fault::RedirectLoop,
        Fault::ResetMidBody,
        Fault::LyingLength,
        Fault::EndlessHeaders,
        Fault::NotHttp,
    ];

    /// The path that triggers this fault.
    pub fn path(self) -> &'static str {
        match self {
            Fault::CutBody => "/cut",
            Fault::Stall => "/stall",
            Fault::EndlessBody => "/endless",
            Fault::SlowDrip => "/drip",
            Fault::RedirectLoop => "/redirect",
            Fault::ResetMidBody => "/reset",
            Fault::LyingLength => "/lie",
            Fault::EndlessHeaders => "/headers",
            Fault::NotHttp => "/not-http",
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
    let Some((path, head_len)) = peek_request(&mut stream, stop)? else {
        return Ok(());
    };
    let fault = Fault::from_path(&path);
    // The request stays unread only where a reset is wanted: closing a socket with unread
    // input makes the system reset the connection instead of closing it.
    if fault != Some(Fault::ResetMidBody) {
        stream.read_exact(&mut vec![0; head_len])?;
    }
    let Some(fault) = fault else {
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
        Fault::ResetMidBody => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")?;
            stream.write_all(&[b'x'; 1000])?;
            // Give the client a moment to take the head and the first bytes, so the reset
            // comes in the middle of the body.
            thread::sleep(Duration::from_millis(50));
            Ok(()) // dropped with the request unread: a reset
        }
        Fault::LyingLength => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")?;
            stream.write_all(&[b'x'; 1000])?;
            while !stop.load(Ordering::SeqCst) && !peer_closed(&mut stream)? {}
            Ok(())
        }
        Fault::EndlessHeaders => {
            stream.write_all(b"HTTP/1.1 200 OK\r\n")?;
            let line = format!("X-More: {}\r\n", "y".repeat(100));
            while !stop.load(Ordering::SeqCst) {
                stream.write_all(line.as_bytes())?;
            }
            Ok(())
        }
        Fault::NotHttp => stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n"),
    }
}

/// Waits for the whole request head without reading it (it stays in the socket), and returns
/// the path and the head's length; `None` if the peer went away or the server is stopping.
fn peek_request(stream: &mut TcpStream, stop: &AtomicBool) -> io::Result<Option<(String, usize)>> {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let seen = match stream.peek(&mut buffer) {
            Ok(0) => return Ok(None),
            Ok(n) => &buffer[..n],
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let line = String::from_utf8_lossy(&seen[..end]);
            let path = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            return Ok(Some((path, end + 4)));
        }
        if seen.len() == buffer.len() {
            return Ok(None); // a head this long is not a request worth answering
        }
        // Peeking returns at once while part of a head waits: pause instead of spinning.
        thread::sleep(POLL);
    }
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
