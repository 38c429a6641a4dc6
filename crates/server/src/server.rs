//! The server: a listening socket, an accept loop, a thread per connection, and a graceful stop.

use crate::connection::{self, Connection};
use crate::http::Handler;
use crate::routes;
use chanlab_channels::limits;
use crossbeam_channel as channel;
use parking_lot::Mutex;
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The address the lesson's server listens on unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8000";

/// Connections the system may queue until the accept loop takes them. std listens with 128,
/// which a burst of clients overflows while the loop starts their threads; the system then drops
/// the excess, and each dropped client waits a second before it tries again. Go's listeners ask
/// for the system's limit instead; so does this (Linux caps it at `net.core.somaxconn`).
const LISTEN_BACKLOG: i32 = 4096;

/// Connections over the cap, answered `503`, wait here to be drained and closed; when it is full
/// they are closed at once (their answer is sent, but a client still sending may lose it).
const REFUSAL_QUEUE: usize = 256;

/// What can go wrong starting a server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address does not resolve to a socket address.
    #[error("not an address to listen on: {0}")]
    Resolve(io::Error),
    /// The address could not be bound (in use, not local, not an address...).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address (the first, when a name resolved to several).
        addr: String,
        /// Why.
        source: io::Error,
    },
    /// A configuration value that cannot work, such as a zero timeout.
    #[error("bad server configuration: {0}")]
    Config(String),
    /// A thread the server needs could not be started.
    #[error("cannot start a server thread: {0}")]
    Spawn(io::Error),
    /// The server's thread panicked (a bug: handler panics are caught and answered `500`).
    #[error("the server thread panicked")]
    Panicked,
}

/// Limits and timeouts. `Config::default()` suits a server on the open Internet; tests shorten
/// the timeouts with struct update syntax:
///
/// ```
/// use chanlab_server::Config;
/// use std::time::Duration;
///
/// let config = Config { idle_timeout: Duration::from_millis(200), ..Config::default() };
/// assert_eq!(config.max_connections, Config::default().max_connections);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// ANCHOR: config
pub struct Config {
    /// Live connections at most: each has a thread. Beyond it a connection is answered `503`.
    /// The default is [`default_max_connections`]: 10,000, or fewer where this process cannot
    /// hold that many.
    pub max_connections: usize,
    /// How long a client has to send a request's headers, counted from its first byte (from the
    /// connection's start for the first request): a slow client gets `408` and is closed.
    pub read_header_timeout: Duration,
    /// How long a client has to send a request's body once its headers are in.
    pub read_body_timeout: Duration,
    /// How long a kept-alive connection may sit between requests before it is closed.
    pub idle_timeout: Duration,
    /// How long one write of a response may block on a client that does not read.
    pub write_timeout: Duration,
    /// The largest request line plus headers, in bytes; beyond it `431`.
    pub max_header_bytes: usize,
    /// The largest request body, in bytes; beyond it `413`.
    pub max_body_bytes: usize,
}
// ANCHOR_END: config

/// The most connections a server holds by default, where the process has room for them.
pub const MAX_CONNECTIONS: usize = 10_000;

/// File descriptors kept for everything but live connections: the listener, refused connections
/// being drained, files the handlers open.
const SPARE_FILES: u64 = 128;

/// [`Config::default`]'s cap on live connections: [`MAX_CONNECTIONS`], or as many as this process
/// can hold right now if that is fewer. Each connection takes a thread and two file descriptors
/// (its socket, and the copy the server keeps to close it on shutdown), so the cap stays under
/// the room left by the process's limits on both: `ulimit -n`, and those on threads that
/// [`chanlab_channels::limits`] reads (memory maps, process ids, `ulimit -u`, the
/// cgroup). It is read from the system when called; where the system reports no limits, it is
/// [`MAX_CONNECTIONS`].
pub fn default_max_connections() -> usize {
    let threads = limits::thread_room().map(|limit| limit.room);
    let files = limits::open_files().map(|limit| limit.room.saturating_sub(SPARE_FILES) / 2);
    [threads, files]
        .into_iter()
        .flatten()
        .fold(MAX_CONNECTIONS as u64, u64::min)
        .max(1) as usize
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_connections: default_max_connections(),
            read_header_timeout: Duration::from_secs(10),
            read_body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_header_bytes: 16 * 1024,
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl Config {
    /// Whether the values can work: every timeout above zero, room for a connection, a header
    /// limit of at least 256 bytes.
    pub fn check(&self) -> Result<(), Error> {
        let timeouts = [
            ("read_header_timeout", self.read_header_timeout),
            ("read_body_timeout", self.read_body_timeout),
            ("idle_timeout", self.idle_timeout),
            ("write_timeout", self.write_timeout),
        ];
        if let Some((name, _)) = timeouts.iter().find(|(_, t)| t.is_zero()) {
            return Err(Error::Config(format!("{name} must be more than zero")));
        }
        if self.max_connections == 0 {
            return Err(Error::Config("max_connections must be at least 1".into()));
        }
        if self.max_header_bytes < 256 {
            return Err(Error::Config(
                "max_header_bytes must be at least 256".into(),
            ));
        }
        Ok(())
    }
}

/// A bound server, ready to [`serve`](Server::serve) or [`spawn`](Server::spawn).
///
/// Until it serves, connections wait in the listen backlog; binding first means the address is
/// known (and taken) before any thread starts.
pub struct Server {
    listener: TcpListener,
    handler: Arc<dyn Handler>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.shared.local_addr)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

/// What the accept loop, the connection threads and every [`Shutdown`] handle share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    local_addr: SocketAddr,
    stopping: AtomicBool,
    connections: Mutex<Registry>,
}

/// The live connections, for the cap and for shutdown: idle ones are closed at once, busy ones
/// finish their request first.
#[derive(Default)]
struct Registry {
    next_id: u64,
    live: HashMap<u64, Live>,
}

struct Live {
    stream: TcpStream,
    idle: Arc<AtomicBool>,
}

impl Shared {
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Registers a new connection, unless the server is full or stopping. The connection gets
    /// the flag that tells shutdown whether it is idle, so it can flip it without the lock.
    fn admit(&self, stream: &TcpStream) -> Admission {
        let mut registry = self.connections.lock();
        if self.stopping() {
            return Admission::Stopping;
        }
        if registry.live.len() >= self.config.max_connections {
            return Admission::Full;
        }
        let Ok(handle) = stream.try_clone() else {
            return Admission::Full;
        };
        let id = registry.next_id;
        registry.next_id += 1;
        let idle = Arc::new(AtomicBool::new(true));
        let live = Live {
            stream: handle,
            idle: idle.clone(),
        };
        registry.live.insert(id, live);
        Admission::Admitted(id, idle)
    }

    pub(crate) fn forget(&self, id: u64) {
        self.withdraw(id);
    }

    /// Takes a connection out of the registry, handing back the server's copy of its socket.
    fn withdraw(&self, id: u64) -> Option<TcpStream> {
        self.connections
            .lock()
            .live
            .remove(&id)
            .map(|live| live.stream)
    }

    fn live_connections(&self) -> usize {
        self.connections.lock().live.len()
    }

    // ANCHOR: stop
    fn stop(&self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Connections waiting for a request are closed now. A connection marks itself idle and
        // then checks `stopping`, while this sets `stopping` and then checks who is idle: with
        // both in sequentially consistent order, at least one side sees the other, so no
        // connection goes back to waiting unnoticed.
        let registry = self.connections.lock();
        for live in registry.live.values() {
            if live.idle.load(Ordering::SeqCst) {
                let _ = live.stream.shutdown(std::net::Shutdown::Both);
            }
        }
        drop(registry);
        // Wake the accept loop, which checks `stopping` after every accept.
        let wake = match self.local_addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                (Ipv4Addr::LOCALHOST, self.local_addr.port()).into()
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                (Ipv6Addr::LOCALHOST, self.local_addr.port()).into()
            }
            _ => self.local_addr,
        };
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
    }
    // ANCHOR_END: stop
}

enum Admission {
    Admitted(u64, Arc<AtomicBool>),
    Full,
    Stopping,
}

impl Server {
    /// Binds `addr` (such as `"127.0.0.1:0"` for any free port) with the default [`Config`] and
    /// the lesson's routes.
    pub fn bind(addr: impl ToSocketAddrs) -> Result<Server, Error> {
        Server::bind_with(addr, Config::default())
    }

    /// Binds `addr` with `config` and the lesson's routes.
    pub fn bind_with(addr: impl ToSocketAddrs, config: Config) -> Result<Server, Error> {
        config.check()?;
        let addrs: Vec<SocketAddr> = addr.to_socket_addrs().map_err(Error::Resolve)?.collect();
        let listener = listen(&addrs).map_err(|source| Error::Bind {
            addr: addrs
                .first()
                .map_or_else(String::new, SocketAddr::to_string),
            source,
        })?;
        let local_addr = listener.local_addr().map_err(Error::Resolve)?;
        let shared = Shared {
            config,
            local_addr,
            stopping: AtomicBool::new(false),
            connections: Mutex::default(),
        };
        Ok(Server {
            listener,
            handler: Arc::new(routes::routes()),
            shared: Arc::new(shared),
        })
    }

    /// The same server answering with `handler` instead of the lesson's routes.
    pub fn handler(self, handler: impl Handler) -> Server {
        Server {
            handler: Arc::new(handler),
            ..self
        }
    }

    /// The limits and timeouts it serves with.
    pub fn config(&self) -> Config {
        self.shared.config
    }

    /// The address bound: with port 0, the port the system chose.
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }

    /// A handle that stops this server from any thread.
    pub fn shutdown_handle(&self) -> Shutdown {
        Shutdown {
            shared: self.shared.clone(),
        }
    }

    /// Serves until [`Shutdown::shutdown`] is called, then drains: stops accepting, closes idle
    /// connections, lets requests in progress finish, and joins every thread it started before
    /// returning.
    pub fn serve(self) -> Result<(), Error> {
        self.serve_and_signal(|| {})
    }

    /// [`serve`](Server::serve), calling `started` once every thread the server keeps for its
    /// whole life is running.
    fn serve_and_signal(self, started: impl FnOnce()) -> Result<(), Error> {
        let (refuse, refusals) = channel::bounded::<TcpStream>(REFUSAL_QUEUE);
        let refuser = thread::Builder::new()
            .name("server-refuse".into())
            .spawn(move || connection::drain_refusals(&refusals))
            .map_err(Error::Spawn)?;
        started();
        // ANCHOR: accept
        let mut workers: Vec<JoinHandle<()>> = Vec::new();
        let mut backoff = Duration::ZERO;
        while !self.shared.stopping() {
            let (stream, remote_addr) = match self.listener.accept() {
                Ok(accepted) => {
                    backoff = Duration::ZERO;
                    accepted
                }
                // Out of file descriptors and the like: wait a little instead of spinning.
                Err(_) => {
                    backoff = (backoff * 2).clamp(Duration::from_millis(5), Duration::from_secs(1));
                    thread::sleep(backoff);
                    continue;
                }
            };
            let accepted_at = Instant::now();
            // Join the threads of connections that have ended (at once: they have).
            for ended in workers.extract_if(.., |w| w.is_finished()) {
                let _ = ended.join();
            }
            let (id, idle) = match self.shared.admit(&stream) {
                Admission::Admitted(id, idle) => (id, idle),
                Admission::Full => {
                    // Answered at once, so a flood over the cap never waits on one client.
                    if connection::send_refusal(&stream).is_ok() {
                        let _ = refuse.try_send(stream);
                    }
                    continue;
                }
                Admission::Stopping => break,
            };
            let conn = Connection::new(
                stream,
                remote_addr,
                (id, idle),
                accepted_at,
                self.shared.clone(),
                self.handler.clone(),
            );
            let spawned = thread::Builder::new()
                .name("server-conn".into())
                .spawn(move || conn.serve());
            match spawned {
                Ok(worker) => workers.push(worker),
                // No thread for it (the system's limit is nearer than the cap): the connection
                // was dropped with the closure, but the registry's copy of its socket is open
                // still, and answers `503` as a connection over the cap does.
                Err(_) => {
                    if let Some(stream) = self.shared.withdraw(id)
                        && connection::send_refusal(&stream).is_ok()
                    {
                        let _ = refuse.try_send(stream);
                    }
                }
            }
        }
        drop(self.listener); // new connections are refused from here on
        for worker in workers {
            let _ = worker.join();
        }
        // ANCHOR_END: accept
        drop(refuse);
        let _ = refuser.join();
        Ok(())
    }

    /// Serves on a new thread and returns once it is serving: the way to embed a server in a
    /// program or a test. Dropping the [`Running`] handle, or calling [`Running::shutdown`],
    /// stops and drains it and joins its threads.
    ///
    /// When `spawn` returns, the server's own threads are all running, so a test that counts
    /// threads from then on sees only those its requests start.
    pub fn spawn(self) -> Result<Running, Error> {
        let addr = self.local_addr();
        let shutdown = self.shutdown_handle();
        let (started_tx, started) = channel::bounded::<()>(1);
        let thread = thread::Builder::new()
            .name("server-accept".into())
            .spawn(move || {
                self.serve_and_signal(move || {
                    let _ = started_tx.send(());
                })
            })
            .map_err(Error::Spawn)?;
        if started.recv().is_err() {
            // `serve` returned before it started serving: it failed, and its error says why.
            return match thread.join() {
                Ok(Err(error)) => Err(error),
                _ => Err(Error::Panicked),
            };
        }
        Ok(Running {
            addr,
            shutdown,
            thread: Some(thread),
        })
    }
}

/// Binds and listens on the first of `addrs` that works, as `TcpListener::bind` does, with a
/// backlog of [`LISTEN_BACKLOG`].
fn listen(addrs: &[SocketAddr]) -> io::Result<TcpListener> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to listen on");
    for addr in addrs {
        let listener = || -> io::Result<TcpListener> {
            let socket = Socket::new(
                Domain::for_address(*addr),
                Type::STREAM,
                Some(Protocol::TCP),
            )?;
            // As std does on Unix, so that a restarted server gets its port back at once.
            #[cfg(unix)]
            socket.set_reuse_address(true)?;
            socket.bind(&(*addr).into())?;
            socket.listen(LISTEN_BACKLOG)?;
            Ok(socket.into())
        };
        match listener() {
            Ok(listener) => return Ok(listener),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Stops a server: no new connections, idle ones closed, requests in progress finished.
///
/// Cheap to clone; [`shutdown`](Shutdown::shutdown) returns at once, and [`Server::serve`]
/// returns once the server has drained.
#[derive(Clone)]
pub struct Shutdown {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Shutdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shutdown")
            .field("addr", &self.shared.local_addr)
            .field("stopping", &self.shared.stopping())
            .finish()
    }
}

impl Shutdown {
    /// Starts the shutdown; calling it again does nothing.
    pub fn shutdown(&self) {
        self.shared.stop();
    }

    /// Whether shutdown has started.
    pub fn is_shutting_down(&self) -> bool {
        self.shared.stopping()
    }

    /// How many connections are open right now.
    pub fn live_connections(&self) -> usize {
        self.shared.live_connections()
    }
}

/// A server serving on its own thread, from [`Server::spawn`].
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    shutdown: Shutdown,
    thread: Option<JoinHandle<Result<(), Error>>>,
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr><path>`, for a client: `running.url("/count")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A handle that starts the shutdown without waiting for it.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Stops the server, waits for requests in progress, and joins every thread it started.
    pub fn shutdown(mut self) -> Result<(), Error> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> Result<(), Error> {
        self.shutdown.shutdown();
        match self.thread.take() {
            Some(thread) => thread.join().map_err(|_| Error::Panicked)?,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}
