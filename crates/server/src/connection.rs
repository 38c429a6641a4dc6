//! One connection's life on its own thread: read a request, answer it, repeat while kept alive.
//!
//! Every wait has a limit, so no client can pin the thread: the first byte of a request must
//! come within the idle timeout, the rest of its headers within the read-header timeout, its
//! body within the read-body timeout, and each write of the answer within the write timeout.

use crate::http::{
    Handler, Head, Received, Reject, Response, answer, parse_head, with_request, write_head,
};
use crate::server::Shared;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Bodies up to this size are copied behind the head and sent in one write.
const COALESCE_BODY: usize = 16 * 1024;

/// How a request ended, and so what happens to the connection.
enum Next {
    /// Wait for another request.
    KeepAlive,
    /// Close now.
    Close,
    /// Close after draining what the client sent, so the answer is not lost to a reset (see
    /// [`linger`]).
    Linger,
}

pub(crate) struct Connection {
    stream: TcpStream,
    remote_addr: SocketAddr,
    /// The connection's key in the server's registry.
    id: u64,
    /// Whether it waits for a request (shutdown closes it) or serves one (shutdown waits).
    idle: Arc<AtomicBool>,
    accepted_at: Instant,
    shared: Arc<Shared>,
    handler: Arc<dyn Handler>,
    /// Bytes received and not yet served.
    received: Received,
    /// The answer being sent, head and (small) body together.
    out: Vec<u8>,
    /// The read timeout the socket has now, to skip the system call when it would not change.
    read_timeout: Option<Duration>,
}

impl Connection {
    pub(crate) fn new(
        stream: TcpStream,
        remote_addr: SocketAddr,
        (id, idle): (u64, Arc<AtomicBool>),
        accepted_at: Instant,
        shared: Arc<Shared>,
        handler: Arc<dyn Handler>,
    ) -> Connection {
        Connection {
            received: Received::new(shared.config.max_header_bytes),
            stream,
            remote_addr,
            id,
            idle,
            accepted_at,
            shared,
            handler,
            out: Vec::with_capacity(512),
            read_timeout: None,
        }
    }

    /// Serves requests until the client leaves, a limit is hit, or the server stops.
    pub(crate) fn serve(mut self) {
        // Whatever happens, the connection leaves the registry when this thread is done.
        struct Forget<'a>(&'a Shared, u64);
        impl Drop for Forget<'_> {
            fn drop(&mut self) {
                self.0.forget(self.1);
            }
        }
        let shared = self.shared.clone();
        let _forget = Forget(&shared, self.id);

        // Small answers go out at once instead of waiting for an ACK (Nagle's algorithm).
        let _ = self.stream.set_nodelay(true);
        let _ = self
            .stream
            .set_write_timeout(Some(shared.config.write_timeout));
        let mut res = Response::new();
        // ANCHOR: keep_alive
        let mut first = true;
        loop {
            match self.exchange(first, &mut res) {
                Next::KeepAlive => {
                    // Idle first, then check: see `Shared::stop` for the other half.
                    self.idle.store(true, Ordering::SeqCst);
                    if shared.stopping() {
                        return;
                    }
                    first = false;
                }
                Next::Close => return,
                Next::Linger => return linger(&self.stream),
            }
        }
        // ANCHOR_END: keep_alive
    }

    /// Reads one request and answers it.
    fn exchange(&mut self, first: bool, res: &mut Response) -> Next {
        let config = self.shared.config;
        // Wait for the request's first byte: the idle timeout between requests; the first
        // request's whole head must come within the read-header timeout of the accept.
        if self.received.is_empty() {
            let wait = if first {
                config
                    .read_header_timeout
                    .saturating_sub(self.accepted_at.elapsed())
            } else {
                config.idle_timeout
            };
            match self.read_more(wait, config.max_header_bytes) {
                Ok(n) if n > 0 => {}
                // Idle too long. The request may be arriving just now (or have arrived while
                // this thread waited for a core): drain it, or closing would reset the socket.
                Err(e) if timed_out(&e) => return Next::Linger,
                _ => return Next::Close, // gone, or closed by a shutdown
            }
        }
        self.idle.store(false, Ordering::SeqCst);

        let header_deadline = if first {
            self.accepted_at
        } else {
            Instant::now()
        } + config.read_header_timeout;
        let head = loop {
            match parse_head(self.received.bytes(), config.max_header_bytes) {
                Ok(Some(head)) => break head,
                Ok(None) if self.received.len() >= config.max_header_bytes => {
                    return self.reject(Reject::new(431, "request headers too large"));
                }
                Ok(None) => match self.read_until(header_deadline, config.max_header_bytes) {
                    Ok(0) => return Next::Close,
                    Ok(_) => {}
                    Err(e) if timed_out(&e) => {
                        return self.reject(Reject::new(408, "request headers too slow"));
                    }
                    Err(_) => return Next::Close,
                },
                Err(reject) => return self.reject(reject),
            }
        };

        if head.content_length > config.max_body_bytes {
            let reason = format!("request body over {} bytes", config.max_body_bytes);
            return self.reject(Reject::new(413, reason));
        }
        let total = head.len + head.content_length;
        if self.received.len() < total {
            if head.expect_continue
                && self
                    .stream
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .is_err()
            {
                return Next::Close;
            }
            let body_deadline = Instant::now() + config.read_body_timeout;
            while self.received.len() < total {
                match self.read_until(body_deadline, total) {
                    Ok(0) => return Next::Close,
                    Ok(_) => {}
                    Err(e) if timed_out(&e) => {
                        return self.reject(Reject::new(408, "request body too slow"));
                    }
                    Err(_) => return Next::Close,
                }
            }
        }

        let keep_alive = self.answer(&head, res);
        // The request is done with: keep what the client sent after it (pipelining).
        self.received.consume(total);
        match keep_alive {
            Ok(true) => Next::KeepAlive,
            // The client may have sent more after this request: drain it before closing, or
            // the reset that closing a socket with unread input sends could destroy the answer.
            Ok(false) => Next::Linger,
            Err(_) => Next::Close,
        }
    }

    /// Runs the handler on the request in `buf` and sends its answer; returns whether the
    /// connection stays open.
    fn answer(&mut self, head: &Head, res: &mut Response) -> io::Result<bool> {
        let buf = &self.received.bytes()[..head.len + head.content_length];
        let (answered, head_only) = with_request(buf, head, self.remote_addr, |request| {
            (
                answer(&*self.handler, request, res),
                request.method() == "HEAD",
            )
        });
        // A handler that panicked left its state unknown: answer, then close.
        let keep_alive = head.keep_alive && answered && !self.shared.stopping();
        write_response(&mut self.out, &self.stream, res, head_only, keep_alive)?;
        Ok(keep_alive)
    }

    /// Answers a request the server refuses, and asks for the connection to be closed.
    fn reject(&mut self, Reject(status, why): Reject) -> Next {
        let mut res = Response::new();
        res.error(status, why);
        let _ = write_response(&mut self.out, &self.stream, &res, false, false);
        Next::Linger
    }

    /// One read, waiting at most until `deadline`.
    fn read_until(&mut self, deadline: Instant, limit: usize) -> io::Result<usize> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.read_more(left, limit)
    }

    /// One read into the room `received` has, growing it up to `limit`, waiting at most `wait`.
    fn read_more(&mut self, wait: Duration, limit: usize) -> io::Result<usize> {
        if wait.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        if self.read_timeout != Some(wait) {
            self.stream.set_read_timeout(Some(wait))?;
            self.read_timeout = Some(wait);
        }
        let n = self.stream.read(self.received.room(limit))?;
        self.received.advance(n);
        Ok(n)
    }
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock)
}

/// Sends `res`: status line, headers, and the body unless `head_only`.
fn write_response(
    out: &mut Vec<u8>,
    mut stream: &TcpStream,
    res: &Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    out.clear();
    write_head(out, res, keep_alive);
    if head_only {
        stream.write_all(out)
    } else if res.body().len() <= COALESCE_BODY {
        out.extend_from_slice(res.body());
        stream.write_all(out)
    } else {
        stream.write_all(out)?;
        stream.write_all(res.body())
    }
}

/// Closes a connection the client may still be writing to. Closing a socket with unread input
/// makes the kernel send a reset, which can destroy the answer before the client reads it; so
/// stop writing first, then read and discard for a moment.
fn linger(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let give_up = Instant::now() + Duration::from_millis(500);
    let mut sink = [0; 4096];
    let mut discarded = 0;
    while Instant::now() < give_up && discarded < 1024 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => discarded += n,
        }
    }
}

/// Sends a connection the server has no room for its `503` at once, without waiting for its
/// request, and stops writing. The client reads the answer whenever it likes; the socket is left
/// non-blocking for [`drain_refusals`], which must still read what the client sends, or closing
/// it would reset the connection and could destroy the answer.
///
/// The answer is a couple of hundred bytes on a new connection: it fits in the empty send buffer,
/// so the accept loop that calls this never waits on the client.
pub(crate) fn send_refusal(stream: &TcpStream) -> io::Result<()> {
    stream.set_nonblocking(true)?;
    let _ = stream.set_nodelay(true);
    let res = Response::busy();
    let mut out = Vec::new();
    write_response(&mut out, stream, &res, false, false)?;
    stream.shutdown(Shutdown::Write)
}

/// The refused connections being drained at once, at most; more wait in the queue.
const MAX_DRAINING: usize = 1024;

/// How often the refusal thread looks at the connections it drains.
const DRAIN_POLL: Duration = Duration::from_millis(2);

/// Reads and discards what refused clients send until each closes its end (or gives it half a
/// second, or a megabyte), then closes it: the lingering close of [`linger`], for many
/// connections on one thread. Returns once `refusals` is closed and every connection is done.
pub(crate) fn drain_refusals(refusals: &crossbeam_channel::Receiver<TcpStream>) {
    struct Draining {
        stream: TcpStream,
        give_up: Instant,
        discarded: usize,
    }
    let draining = |stream| Draining {
        stream,
        give_up: Instant::now() + Duration::from_millis(500),
        discarded: 0,
    };
    let mut open: Vec<Draining> = Vec::new();
    let mut sink = [0; 4096];
    loop {
        if open.is_empty() {
            match refusals.recv() {
                Ok(stream) => open.push(draining(stream)),
                Err(_) => return, // the server has stopped and nothing is left
            }
        }
        while open.len() < MAX_DRAINING {
            match refusals.try_recv() {
                Ok(stream) => open.push(draining(stream)),
                Err(_) => break,
            }
        }
        let now = Instant::now();
        open.retain_mut(|d| {
            loop {
                match d.stream.read(&mut sink) {
                    Ok(0) => return false, // the client has closed: so can we
                    Ok(n) => {
                        d.discarded += n;
                        if d.discarded > 1024 * 1024 {
                            return false;
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => return now < d.give_up,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => return false,
                }
            }
        });
        if !open.is_empty() {
            std::thread::sleep(DRAIN_POLL);
        }
    }
}
