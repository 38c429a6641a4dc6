//! The server lesson's server as a task per connection (section 5.9): the same routes, request
//! parsing, limits and timeouts as chanlab-server, on a tokio runtime instead of a thread each.
//!
//! A connection waiting for its next request is a parked task, a few hundred bytes, so the cap on
//! connections can be far higher than a thread server's. What must not run on the runtime's
//! workers does not: `/lissajous` renders on the blocking pool, and `/sleep` waits on a timer
//! instead of holding a thread.

use chanlab_server::http::{
    Head, Received, Reject, Response, answer, parse_head, with_request, write_head,
};
use chanlab_server::routes::{self, GET, sleep_ms, slept};
use chanlab_server::{Config, Error, Router};
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, sleep, timeout, timeout_at};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Live connections the task server takes at most: each is a parked task, not a thread.
pub const MAX_CONNECTIONS: usize = 20_000;

/// Connections the system may queue until the accept loop takes them, as the thread server.
const LISTEN_BACKLOG: u32 = 4096;

/// Bodies up to this size are copied behind the head and sent in one write.
const COALESCE_BODY: usize = 16 * 1024;

/// The thread server's limits and timeouts, with room for [`MAX_CONNECTIONS`].
pub fn config() -> Config {
    Config {
        max_connections: MAX_CONNECTIONS,
        ..Config::default()
    }
}

/// The runtime a [`spawn`]ed server runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Every task on one thread.
    CurrentThread,
    /// Tasks spread over this many worker threads, which steal work from each other.
    MultiThread(usize),
}

// ANCHOR: state
/// What every connection task shares.
struct Shared {
    config: Config,
    router: Router,
    /// One permit per connection: [`MAX_CONNECTIONS`] or the configured cap.
    room: Arc<Semaphore>,
    /// Cancelled to stop: the accept loop ends and idle connections close.
    stop: CancellationToken,
    /// Every connection's task, so that a stop can wait for them.
    tracker: TaskTracker,
}
// ANCHOR_END: state

/// Serves the lesson's routes on `listener` until `stop` is cancelled, then lets the requests in
/// progress finish and returns once every connection has closed.
///
/// ```no_run
/// use tokio::net::TcpListener;
/// use tokio_util::sync::CancellationToken;
///
/// # #[tokio::main]
/// # async fn main() -> std::io::Result<()> {
/// let listener = TcpListener::bind("127.0.0.1:8000").await?;
/// chanlab_tasks::serve::serve(listener, chanlab_tasks::serve::config(), CancellationToken::new()).await;
/// # Ok(())
/// # }
/// ```
pub async fn serve(listener: TcpListener, config: Config, stop: CancellationToken) {
    let shared = Arc::new(Shared {
        config,
        router: routes::routes(),
        room: Arc::new(Semaphore::new(config.max_connections)),
        stop,
        tracker: TaskTracker::new(),
    });
    // ANCHOR: accept
    loop {
        let accepted = tokio::select! {
            _ = shared.stop.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, remote_addr)) = accepted else {
            // Out of file descriptors, or a connection reset before it was taken: carry on
            // after a moment rather than spin.
            sleep(Duration::from_millis(10)).await;
            continue;
        };
        match shared.room.clone().try_acquire_owned() {
            Ok(permit) => {
                let shared2 = shared.clone();
                shared.tracker.spawn(async move {
                    Connection::new(stream, remote_addr, shared2).serve().await;
                    drop(permit);
                });
            }
            Err(_) => {
                shared.tracker.spawn(refuse(stream));
            }
        }
    }
    // ANCHOR_END: accept
    drop(listener);
    shared.tracker.close();
    shared.tracker.wait().await;
}

/// Answers `503` to a connection over the cap, at once, then closes it without a reset.
async fn refuse(mut stream: TcpStream) {
    let res = Response::busy();
    let mut out = Vec::new();
    write_head(&mut out, &res, false);
    out.extend_from_slice(res.body());
    if timeout(Duration::from_secs(1), stream.write_all(&out))
        .await
        .is_ok_and(|w| w.is_ok())
    {
        linger(stream).await;
    }
}

/// Closes a connection the client may still be writing to: stop writing, then read and discard
/// for a moment, so that closing with unread input does not reset the connection and destroy the
/// answer (as the thread server's `linger`).
async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let give_up = Instant::now() + Duration::from_millis(500);
    let mut sink = [0; 4096];
    let mut discarded = 0;
    while discarded < 1024 * 1024 {
        match timeout_at(give_up, stream.read(&mut sink)).await {
            Ok(Ok(n)) if n > 0 => discarded += n,
            _ => break,
        }
    }
}

/// How a request ended, and so what happens to the connection.
enum Next {
    KeepAlive,
    Close,
    Linger,
}

/// Where a request's handler runs.
enum Work {
    /// On this task: the handler is quick.
    Inline,
    /// On the blocking pool: the handler computes for a long time (`/lissajous`).
    Blocking,
    /// Nowhere: a timer, then the answer (`/sleep`).
    Sleep(u64),
}

// ANCHOR: dispatch
/// Where the handler of `req` runs. The router answers everything; only the work that would hold
/// a worker thread goes elsewhere.
fn work_for(req: &chanlab_server::Request<'_>) -> Work {
    let get = GET.contains(&req.method());
    match req.path() {
        b"/lissajous" => Work::Blocking,
        b"/sleep" if get => sleep_ms(req).map_or(Work::Inline, Work::Sleep),
        _ => Work::Inline,
    }
}
// ANCHOR_END: dispatch

struct Connection {
    stream: TcpStream,
    remote_addr: SocketAddr,
    shared: Arc<Shared>,
    accepted_at: Instant,
    /// Bytes received and not yet served.
    received: Received,
    res: Response,
    out: Vec<u8>,
}

impl Connection {
    fn new(stream: TcpStream, remote_addr: SocketAddr, shared: Arc<Shared>) -> Connection {
        Connection {
            stream,
            remote_addr,
            accepted_at: Instant::now(),
            received: Received::new(shared.config.max_header_bytes),
            shared,
            res: Response::new(),
            out: Vec::with_capacity(512),
        }
    }

    /// Serves requests until the client leaves, a limit is hit, or the server stops.
    async fn serve(mut self) {
        let _ = self.stream.set_nodelay(true);
        let mut first = true;
        loop {
            match self.exchange(first).await {
                Next::KeepAlive => first = false,
                Next::Close => return,
                Next::Linger => return linger(self.stream).await,
            }
        }
    }

    /// Reads one request and answers it.
    async fn exchange(&mut self, first: bool) -> Next {
        let config = self.shared.config;
        if self.received.is_empty() {
            // Idle: wait for the first byte, or the stop, whichever comes first.
            let wait = if first {
                self.accepted_at + config.read_header_timeout
            } else {
                Instant::now() + config.idle_timeout
            };
            let stop = self.shared.stop.clone();
            // The read first: a request already in the socket when the stop comes is served
            // (and answered with `Connection: close`), as one arriving a moment earlier would be.
            tokio::select! {
                biased;
                read = self.read_until(wait, config.max_header_bytes) => match read {
                    Ok(n) if n > 0 => {}
                    // Idle too long; a request arriving just now is drained, not reset.
                    Err(e) if e.kind() == io::ErrorKind::TimedOut => return Next::Linger,
                    _ => return Next::Close,
                },
                _ = stop.cancelled() => return Next::Close,
            }
        }

        let header_deadline = if first {
            self.accepted_at
        } else {
            Instant::now()
        } + config.read_header_timeout;
        let head = loop {
            match parse_head(self.received.bytes(), config.max_header_bytes) {
                Ok(Some(head)) => break head,
                Ok(None) if self.received.len() >= config.max_header_bytes => {
                    return self.reject(431, "request headers too large").await;
                }
                Ok(None) => match self
                    .read_until(header_deadline, config.max_header_bytes)
                    .await
                {
                    Ok(0) => return Next::Close,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                        return self.reject(408, "request headers too slow").await;
                    }
                    Err(_) => return Next::Close,
                },
                Err(Reject(status, why)) => return self.reject(status, why).await,
            }
        };

        if head.content_length > config.max_body_bytes {
            let reason = format!("request body over {} bytes", config.max_body_bytes);
            return self.reject(413, reason).await;
        }
        let total = head.len + head.content_length;
        if self.received.len() < total {
            if head.expect_continue
                && self
                    .write(b"HTTP/1.1 100 Continue\r\n\r\n".as_slice())
                    .await
                    .is_err()
            {
                return Next::Close;
            }
            let body_deadline = Instant::now() + config.read_body_timeout;
            while self.received.len() < total {
                match self.read_until(body_deadline, total).await {
                    Ok(0) => return Next::Close,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                        return self.reject(408, "request body too slow").await;
                    }
                    Err(_) => return Next::Close,
                }
            }
        }

        let sent = self.answer(&head).await;
        self.received.consume(total);
        match sent {
            Ok(true) => Next::KeepAlive,
            Ok(false) => Next::Linger,
            Err(_) => Next::Close,
        }
    }

    /// Runs the request in `buf` where it belongs and sends its answer; returns whether the
    /// connection stays open.
    async fn answer(&mut self, head: &Head) -> io::Result<bool> {
        let request = &self.received.bytes()[..head.len + head.content_length];
        let router = &self.shared.router;
        let remote = self.remote_addr;
        let (work, head_only) = with_request(request, head, remote, |req| {
            (work_for(req), req.method() == "HEAD")
        });
        // ANCHOR: work
        let answered = match work {
            Work::Inline => with_request(request, head, remote, |req| {
                answer(router, req, &mut self.res)
            }),
            Work::Blocking => {
                let (request, head, shared) = (request.to_vec(), *head, self.shared.clone());
                let mut res = std::mem::take(&mut self.res);
                let answered = tokio::task::spawn_blocking(move || {
                    let router = &shared.router;
                    let answered =
                        with_request(&request, &head, remote, |req| answer(router, req, &mut res));
                    (answered, res)
                })
                .await;
                match answered {
                    Ok((answered, res)) => {
                        self.res = res;
                        answered
                    }
                    Err(_) => {
                        self.res.reset();
                        self.res.error(500, "internal server error");
                        false
                    }
                }
            }
            Work::Sleep(ms) => {
                sleep(Duration::from_millis(ms)).await; // a timer, not a thread
                self.res.reset();
                slept(ms, &mut self.res);
                true
            }
        };
        // ANCHOR_END: work
        let keep_alive = head.keep_alive && answered && !self.shared.stop.is_cancelled();
        self.send(head_only, keep_alive).await?;
        Ok(keep_alive)
    }

    /// Answers a request the server refuses, and asks for the connection to be closed.
    async fn reject(&mut self, status: u16, why: impl std::fmt::Display) -> Next {
        self.res.reset();
        self.res.error(status, why);
        let _ = self.send(false, false).await;
        Next::Linger
    }

    /// Sends `self.res`, the body too unless `head_only`.
    async fn send(&mut self, head_only: bool, keep_alive: bool) -> io::Result<()> {
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        write_head(&mut out, &self.res, keep_alive);
        let body = self.res.body();
        let sent = if head_only {
            self.write(&out).await
        } else if body.len() <= COALESCE_BODY {
            out.extend_from_slice(body);
            self.write(&out).await
        } else {
            let body = std::mem::take(self.res.body_mut());
            let sent = match self.write(&out).await {
                Ok(()) => self.write(&body).await,
                Err(e) => Err(e),
            };
            *self.res.body_mut() = body;
            sent
        };
        self.out = out;
        sent
    }

    /// Writes all of `bytes`, each write within the write timeout.
    async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match timeout(
            self.shared.config.write_timeout,
            self.stream.write_all(bytes),
        )
        .await
        {
            Ok(written) => written,
            Err(_) => Err(io::ErrorKind::TimedOut.into()),
        }
    }

    /// One read into the room `received` has, growing it up to `limit`, by `deadline`.
    async fn read_until(&mut self, deadline: Instant, limit: usize) -> io::Result<usize> {
        let room = self.received.room(limit);
        let n = match timeout_at(deadline, self.stream.read(room)).await {
            Ok(read) => read?,
            Err(_) => return Err(io::ErrorKind::TimedOut.into()),
        };
        self.received.advance(n);
        Ok(n)
    }
}

/// A task server serving on its own runtime, on a thread of its own: for programs, tests and
/// benchmarks. Dropping it stops it as [`Running::shutdown`] does.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops accepting, lets requests in progress finish, closes every connection, and returns
    /// once the runtime and all its threads are gone.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Binds `addr` and serves the lesson's routes on a new runtime of `flavor`, on a thread named
/// `task server`, until the returned handle stops it.
///
/// ```
/// use chanlab_tasks::serve::{self, Flavor};
/// use std::io::{Read, Write};
///
/// let server = serve::spawn("127.0.0.1:0", serve::config(), Flavor::CurrentThread)?;
/// let mut client = std::net::TcpStream::connect(server.addr())?;
/// client.write_all(b"GET /gopher HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
/// let mut answer = String::new();
/// client.read_to_string(&mut answer)?;
/// assert!(answer.starts_with("HTTP/1.1 200 OK"));
/// assert!(answer.ends_with("URL.Path = \"/gopher\"\n"));
/// server.shutdown();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn spawn(addr: impl ToSocketAddrs, config: Config, flavor: Flavor) -> Result<Running, Error> {
    config.check()?;
    let addr = addr
        .to_socket_addrs()
        .map_err(Error::Resolve)?
        .next()
        .ok_or_else(|| Error::Resolve(io::ErrorKind::NotFound.into()))?;
    let runtime = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread(workers) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(workers.max(1));
            builder
        }
    }
    .enable_all()
    .thread_name("task server")
    .build()
    .map_err(Error::Spawn)?;
    let listener = runtime
        .block_on(async { listen(addr) })
        .map_err(|source| Error::Bind {
            addr: addr.to_string(),
            source,
        })?;
    let local = listener.local_addr().map_err(Error::Spawn)?;
    let stop = CancellationToken::new();
    let thread = std::thread::Builder::new()
        .name("task server".into())
        .spawn({
            let stop = stop.clone();
            move || runtime.block_on(serve(listener, config, stop))
        })
        .map_err(Error::Spawn)?;
    Ok(Running {
        addr: local,
        stop,
        thread: Some(thread),
    })
}

/// A listener on `addr` with the thread server's backlog (must run inside a runtime).
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

#[cfg(feature = "lesson")]
mod lesson {
    use super::{Flavor, config, spawn};
    use anyhow::{Context, bail};
    use chanlab_common::{Cx, Exit};
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpStream;

    /// Connections the demonstration keeps open at once.
    pub const CONNECTIONS: usize = 1_000;

    /// One keep-alive `GET` on `stream`: the status and the body.
    async fn get(stream: &mut BufReader<TcpStream>, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: tasks\r\n\r\n");
        stream.get_mut().write_all(request.as_bytes()).await?;
        let mut line = String::new();
        stream.read_line(&mut line).await?;
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("not an HTTP answer: {line:?}"))?;
        let mut length = 0;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                bail!("the connection closed in the middle of an answer");
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse()?;
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await?;
        Ok((status, body))
    }

    /// How many connections fit in this process's file descriptor limit with both of their ends
    /// here (client and server), at most [`CONNECTIONS`].
    fn connections() -> usize {
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
        let soft = limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .and_then(|l| l.split_whitespace().nth(3)?.parse::<usize>().ok());
        soft.map_or(CONNECTIONS, |soft| {
            CONNECTIONS.min(soft.saturating_sub(100) / 2)
        })
    }

    async fn connect(addr: SocketAddr) -> anyhow::Result<BufReader<TcpStream>> {
        Ok(BufReader::new(TcpStream::connect(addr).await?))
    }

    /// 1,000 kept-alive connections open at once, two requests each; 200 slow requests at once
    /// that cost a timer each, not a thread; a GIF rendered off the workers; a graceful stop.
    /// `-- --listen ADDR` serves until Ctrl-C instead.
    pub fn run(cx: &Cx) -> anyhow::Result<()> {
        match cx.args() {
            [] => demo(cx),
            [flag, addr] if flag == "--listen" => listen(cx, addr),
            _ => Err(Exit::usage("serve takes nothing, or --listen ADDR").into()),
        }
    }

    fn listen(cx: &Cx, addr: &str) -> anyhow::Result<()> {
        let server = spawn(addr, config(), Flavor::MultiThread(2))?;
        cx.say(format!(
            "serving {} on 2 worker threads until Ctrl-C",
            server.url("/")
        ));
        tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?
            .block_on(tokio::signal::ctrl_c())?;
        server.shutdown();
        cx.say("stopped: every connection closed");
        Ok(())
    }

    fn demo(cx: &Cx) -> anyhow::Result<()> {
        let server = spawn("127.0.0.1:0", config(), Flavor::MultiThread(2))?;
        let addr = server.addr();
        cx.say(format!("a task server on {addr}, 2 worker threads"));
        let connections = connections();
        crate::runtime(2)?.block_on(async {
            // ANCHOR: clients
            let mut clients = tokio::task::JoinSet::new();
            let (opened, release) = (
                std::sync::Arc::new(tokio::sync::Barrier::new(connections + 1)),
                tokio_util::sync::CancellationToken::new(),
            );
            for _ in 0..connections {
                let (opened, release) = (opened.clone(), release.clone());
                clients.spawn(async move {
                    let mut conn = connect(addr).await?;
                    let first = get(&mut conn, "/").await?;
                    opened.wait().await; // all open at once, each waiting to go on
                    release.cancelled().await;
                    let second = get(&mut conn, "/again").await?; // the same connection
                    anyhow::Ok([first.0, second.0])
                });
            }
            opened.wait().await;
            // ANCHOR_END: clients
            let threads =
                chanlab_common::testing::thread_count().map_or("unknown".into(), |n| n.to_string());
            cx.say(format!(
                "{connections} connections open at once; threads in this process: {threads}"
            ));
            release.cancel();
            let mut ok = 0;
            while let Some(statuses) = clients.join_next().await {
                ok += statuses??.iter().filter(|s| **s == 200).count();
            }
            cx.say(format!(
                "{ok} answers 200 OK, two per kept-alive connection"
            ));
            let mut conn = connect(addr).await?;
            let (_, count) = get(&mut conn, "/count").await?;
            cx.say(format!(
                "/count: {}",
                String::from_utf8_lossy(&count).trim_end()
            ));

            let second = cx.secs(Duration::from_secs(1));
            let slow = second.real().as_millis().max(1);
            let started = Instant::now();
            let mut sleepers = tokio::task::JoinSet::new();
            for _ in 0..200 {
                sleepers.spawn(async move {
                    let mut conn = connect(addr).await?;
                    get(&mut conn, &format!("/sleep?ms={slow}")).await
                });
            }
            while let Some(answer) = sleepers.join_next().await {
                let (status, _) = answer??;
                anyhow::ensure!(status == 200, "/sleep answered {status}");
            }
            cx.say(format!(
                "200 requests of /sleep {second} at once took {:.1}: a timer each, not a thread",
                cx.secs_taken(started.elapsed())
            ));
            let (status, gif) = get(&mut conn, "/lissajous?size=50&nframes=8").await?;
            cx.say(format!(
                "/lissajous: {status}, {} bytes of GIF drawn on the blocking pool",
                gif.len()
            ));
            anyhow::Ok(())
        })?;
        server.shutdown();
        cx.say("stopped gracefully: no connection, task or thread left");
        Ok(())
    }
}

#[cfg(feature = "lesson")]
pub use lesson::run;
