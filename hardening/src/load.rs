//! Load on an HTTP server: `wrk` when it is installed, else a generator of our own, a thread
//! and a kept-alive socket per connection. Both count the same things: answers by class, and
//! every way a request can fail instead of being answered.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

/// How long one request may wait for its answer before it counts as a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A load to put on a server: `connections` kept-alive connections sending `GET path` back to
/// back for `duration`.
#[derive(Clone, Debug)]
pub struct Load {
    /// The server.
    pub addr: SocketAddr,
    /// The request target, such as `/`.
    pub path: String,
    /// Connections held open at once.
    pub connections: usize,
    /// How long to keep sending.
    pub duration: Duration,
}

impl Load {
    /// The URL the load requests.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.path)
    }
}

/// What a load run counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Answers received, whatever their status.
    pub answered: u64,
    /// Answers with a status of 400 or more (a `503` over the connection cap, say).
    pub refused: u64,
    /// Connections that could not be opened.
    pub connect_errors: u64,
    /// Connections that broke or closed before an answer was complete (a reset, say).
    pub read_errors: u64,
    /// Requests that could not be sent.
    pub write_errors: u64,
    /// Requests without an answer after [`REQUEST_TIMEOUT`].
    pub timeouts: u64,
}

impl Tally {
    /// Every request that failed instead of being answered.
    pub fn errors(&self) -> u64 {
        self.connect_errors + self.read_errors + self.write_errors + self.timeouts
    }

    /// Both tallies added up.
    pub fn plus(self, other: Tally) -> Tally {
        Tally {
            answered: self.answered + other.answered,
            refused: self.refused + other.refused,
            connect_errors: self.connect_errors + other.connect_errors,
            read_errors: self.read_errors + other.read_errors,
            write_errors: self.write_errors + other.write_errors,
            timeouts: self.timeouts + other.timeouts,
        }
    }
}

/// Why a load could not be run or read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// `wrk` could not be started.
    #[error("cannot run wrk: {0}")]
    Spawn(io::Error),
    /// `wrk` ran past its duration by far: killed.
    #[error("wrk did not finish within {0:?}")]
    Hung(Duration),
    /// `wrk` failed.
    #[error("wrk failed ({status}): {stderr}")]
    Failed {
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it said.
        stderr: String,
    },
    /// `wrk`'s report did not have the figures.
    #[error("cannot read wrk's report: {0}")]
    Report(String),
    /// A generator thread could not be started.
    #[error("cannot start a load thread: {0}")]
    Thread(io::Error),
}

/// How many requests a chanlab server has answered, from its `/count` page at `count_url`:
/// what a load case checks the generator's tally against. Panics, saying what came instead,
/// when the page does not answer with a count.
pub fn served(count_url: &str) -> u64 {
    let body = ureq::get(count_url)
        .call()
        .expect("/count answers")
        .body_mut()
        .read_to_string()
        .expect("a body");
    body.trim_end()
        .strip_prefix("Count ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a count: {body:?}"))
}

/// Whether `wrk` is on the `PATH`.
pub fn wrk_installed() -> bool {
    Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs `load` with `wrk` (two threads, whole seconds, at least one).
pub fn wrk(load: &Load) -> Result<Tally, LoadError> {
    let seconds = load.duration.as_secs_f64().ceil().max(1.0) as u64;
    let mut child = Command::new("wrk")
        .args(["-t2", "-c", &load.connections.max(2).to_string()])
        .args(["-d", &format!("{seconds}s")])
        .args(["--timeout", &format!("{}s", REQUEST_TIMEOUT.as_secs())])
        .arg(load.url())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(LoadError::Spawn)?;
    // The report is a few lines: it fits in the pipe, so reading after the exit cannot stall.
    let limit = Duration::from_secs(seconds) + REQUEST_TIMEOUT + Duration::from_secs(20);
    let give_up = Instant::now() + limit;
    let status = loop {
        match child.try_wait().map_err(LoadError::Spawn)? {
            Some(status) => break status,
            None if Instant::now() < give_up => thread::sleep(Duration::from_millis(20)),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(LoadError::Hung(limit));
            }
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    if !status.success() {
        return Err(LoadError::Failed { status, stderr });
    }
    parse_wrk(&stdout)
}

/// The counts in a `wrk` report.
///
/// ```
/// use chanlab_hardening::load::parse_wrk;
///
/// let report = "  239904 requests in 3.10s, 30.23MB read
///   Socket errors: connect 0, read 48376, write 0, timeout 0
///   Non-2xx or 3xx responses: 338
/// Requests/sec:  77449.25";
/// let tally = parse_wrk(report).unwrap();
/// assert_eq!((tally.answered, tally.refused, tally.read_errors), (239904, 338, 48376));
/// ```
pub fn parse_wrk(report: &str) -> Result<Tally, LoadError> {
    let missing = || LoadError::Report(report.to_owned());
    let requests = report
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse::<u64>().ok())
        .ok_or_else(missing)?;
    let mut tally = Tally {
        answered: requests,
        ..Tally::default()
    };
    if let Some(line) = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
    {
        tally.refused = line.trim().parse().map_err(|_| missing())?;
    }
    if let Some(line) = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
    {
        for part in line.split(',') {
            let (name, count) = part.trim().split_once(' ').ok_or_else(missing)?;
            let count: u64 = count.trim().parse().map_err(|_| missing())?;
            match name {
                "connect" => tally.connect_errors = count,
                "read" => tally.read_errors = count,
                "write" => tally.write_errors = count,
                "timeout" => tally.timeouts = count,
                _ => return Err(missing()),
            }
        }
    }
    Ok(tally)
}

/// Runs `load` with a thread and a kept-alive socket per connection: the generator to use where
/// `wrk` is not installed. Every connection is opened, and answered once, before the timed
/// requests start, so that all are held at once even when a thousand busy client threads leave
/// the server's accept loop little time to run. A thread reconnects when the server closes its
/// connection. The first answers count too.
pub fn sockets(load: &Load) -> Result<Tally, LoadError> {
    let request = format!("GET {} HTTP/1.1\r\nHost: {}\r\n\r\n", load.path, load.addr);
    let opened = Barrier::new(load.connections);
    thread::scope(|s| {
        let mut clients = Vec::with_capacity(load.connections);
        for i in 0..load.connections {
            let (request, opened) = (request.as_bytes(), &opened);
            let client = thread::Builder::new()
                .name(format!("load {i}"))
                .stack_size(64 * 1024)
                .spawn_scoped(s, move || {
                    let mut client = Client::new(load.addr);
                    client.request(request);
                    opened.wait();
                    let until = Instant::now() + load.duration;
                    while Instant::now() < until {
                        client.request(request);
                    }
                    client.tally
                })
                .map_err(LoadError::Thread)?;
            clients.push(client);
        }
        Ok(clients
            .into_iter()
            .map(|c| c.join().unwrap_or_default())
            .fold(Tally::default(), Tally::plus))
    })
}

/// One connection of the socket generator, and what it counted.
struct Client {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    tally: Tally,
    buf: Vec<u8>,
}

impl Client {
    fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            stream: None,
            tally: Tally::default(),
            buf: Vec::with_capacity(4096),
        }
    }

    /// Sends one request and reads its answer, connecting first if needed; counts what
    /// happened, and forgets the connection when it broke or the server closes it.
    fn request(&mut self, request: &[u8]) {
        let tally = &mut self.tally;
        let conn = match &mut self.stream {
            Some(conn) => conn,
            None => match connect(self.addr) {
                Ok(conn) => self.stream.insert(conn),
                Err(_) => {
                    tally.connect_errors += 1;
                    thread::sleep(Duration::from_millis(10));
                    return;
                }
            },
        };
        if conn.write_all(request).is_err() {
            tally.write_errors += 1;
            self.stream = None;
            return;
        }
        match read_answer(conn, &mut self.buf) {
            Ok(head) => {
                tally.answered += 1;
                if head.status >= 400 {
                    tally.refused += 1;
                }
                if head.close {
                    self.stream = None;
                }
            }
            Err(e) => {
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) {
                    tally.timeouts += 1;
                } else {
                    tally.read_errors += 1;
                }
                self.stream = None;
            }
        }
    }
}

/// A connection to `addr` set up for the generator.
fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let conn = TcpStream::connect_timeout(&addr, REQUEST_TIMEOUT)?;
    conn.set_nodelay(true)?;
    conn.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    Ok(conn)
}

/// The start of a response: what a client needs to read the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    /// The status code.
    pub status: u16,
    /// The head's length in bytes, blank line included.
    pub len: usize,
    /// The body's length (0 without a `Content-Length`).
    pub content_length: usize,
    /// Whether the server said it closes the connection.
    pub close: bool,
}

/// Parses the response head at the start of `bytes`: `Ok(None)` while it is incomplete, an
/// error when it is not HTTP.
///
/// ```
/// use chanlab_hardening::load::parse_response_head;
///
/// let head = parse_response_head(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n")
///     .unwrap()
///     .unwrap();
/// assert_eq!((head.status, head.content_length, head.close), (503, 5, true));
/// assert_eq!(parse_response_head(b"HTTP/1.1 200 OK\r\n").unwrap(), None);
/// assert!(parse_response_head(b"SSH-2.0\r\n\r\n").is_err());
/// ```
pub fn parse_response_head(bytes: &[u8]) -> Result<Option<ResponseHead>, String> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut res = httparse::Response::new(&mut headers);
    let len = match res.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("not an HTTP response: {e}")),
    };
    let mut content_length = 0;
    let mut close = false;
    for header in res.headers.iter() {
        if header.name.eq_ignore_ascii_case("content-length") {
            content_length = std::str::from_utf8(header.value)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .ok_or("a malformed Content-Length")?;
        } else if header.name.eq_ignore_ascii_case("connection") {
            close = header.value.eq_ignore_ascii_case(b"close");
        }
    }
    Ok(Some(ResponseHead {
        status: res.code.unwrap_or_default(),
        len,
        content_length,
        close: close || res.version == Some(0),
    }))
}

/// Reads one whole answer from `stream` and returns its head. `buf` keeps nothing between
/// answers: the generator never pipelines, so an answer is all there is to read.
fn read_answer(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<ResponseHead> {
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        let head = parse_response_head(buf).map_err(io::Error::other)?;
        if let Some(head) = head.filter(|h| buf.len() >= h.len + h.content_length) {
            return Ok(head);
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}
