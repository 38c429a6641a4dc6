//! Hundreds of slow clients — silent, trickling their headers or their body, idle after a
//! request — hold connections open, and a normal request is still answered promptly; the
//! server's timeouts close every slow one.

use chanlab_common::testing::no_threads_left;
use chanlab_hardening::load::parse_response_head;
use chanlab_hardening::process::settle_threads;
use chanlab_hardening::{Figures, Scale};
use chanlab_server::{Config, Server};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(120);

/// The server's timeouts: long enough that a normal request held up behind the slow clients
/// would show as a wait of seconds, short enough for a test.
const TIMEOUT: Duration = Duration::from_secs(3);

/// How long past its timeout a slow client may stay open: the server's lingering close takes up
/// to half a second, and the machine is loaded.
const GRACE: Duration = Duration::from_secs(5);

/// A normal request is prompt when it takes less than this, a third of the slow clients' timeout.
const PROMPT: Duration = Duration::from_secs(1);

/// How often a trickling client sends its next byte.
const TRICKLE: Duration = Duration::from_millis(100);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Connects and sends nothing.
    Silent,
    /// Sends its request line and headers a byte at a time.
    TrickleHead,
    /// Sends a complete head, then its body a byte at a time.
    TrickleBody,
    /// Sends a request, reads the answer, then keeps the connection open and idle.
    IdleAfterRequest,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::Silent,
        Kind::TrickleHead,
        Kind::TrickleBody,
        Kind::IdleAfterRequest,
    ];

    /// What the client sends at once, and what it then trickles.
    fn script(self) -> (&'static [u8], &'static [u8]) {
        let trickle: &'static [u8] = &[b'a'; 4096];
        match self {
            Kind::Silent => (b"", b""),
            Kind::TrickleHead => (b"", b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            Kind::TrickleBody => (
                b"POST /debug HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n",
                trickle,
            ),
            Kind::IdleAfterRequest => (b"GET /idle HTTP/1.1\r\nHost: x\r\n\r\n", b""),
        }
    }

    /// The status the server should answer with before it closes: `408` for a client too slow
    /// to send its request, `200` for the one that sent it, none for the silent one.
    fn expected(self) -> Option<u16> {
        match self {
            Kind::Silent => None,
            Kind::TrickleHead | Kind::TrickleBody => Some(408),
            Kind::IdleAfterRequest => Some(200),
        }
    }
}

/// One slow client, driven without blocking.
struct Slow {
    kind: Kind,
    stream: TcpStream,
    trickled: usize,
    received: Vec<u8>,
    /// When the server closed the connection, counted from the client's connect.
    closed_after: Option<Duration>,
    opened: Instant,
}

impl Slow {
    fn open(addr: SocketAddr, kind: Kind) -> Slow {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.write_all(kind.script().0).expect("send the start");
        stream.set_nonblocking(true).unwrap();
        Slow {
            kind,
            stream,
            trickled: 0,
            received: Vec::new(),
            closed_after: None,
            opened: Instant::now(),
        }
    }

    /// Sends the next byte if it is time, and reads what the server sent; notes the close.
    fn step(&mut self, trickle_now: bool) {
        if self.closed_after.is_some() {
            return;
        }
        let trickle = self.kind.script().1;
        if trickle_now && self.trickled < trickle.len() {
            match self.stream.write(&trickle[self.trickled..=self.trickled]) {
                Ok(n) => self.trickled += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => return self.close(), // the server is gone
            }
        }
        let mut chunk = [0u8; 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return self.close(),
                Ok(n) => self.received.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => return self.close(), // reset: closed too
            }
        }
    }

    fn close(&mut self) {
        self.closed_after = Some(self.opened.elapsed());
    }

    /// The status of the server's answer, if it sent one.
    fn status(&self) -> Option<u16> {
        parse_response_head(&self.received)
            .ok()
            .flatten()
            .map(|h| h.status)
    }
}

#[test]
fn hundreds_of_slow_clients_neither_block_a_normal_request_nor_outlast_the_timeouts() {
    let scale = Scale::from_env();
    let per_kind = scale.pick(75, 225); // 300 slow clients, or 900
    no_threads_left(DEADLINE, move || {
        let config = Config {
            max_connections: per_kind * Kind::ALL.len() + 64,
            read_header_timeout: TIMEOUT,
            read_body_timeout: TIMEOUT,
            idle_timeout: TIMEOUT,
            write_timeout: TIMEOUT,
            ..Config::default()
        };
        let server = Server::bind_with("127.0.0.1:0", config)
            .unwrap()
            .spawn()
            .unwrap();
        let handle = server.shutdown_handle();
        let start = Instant::now();
        let mut slow: Vec<Slow> = (0..per_kind)
            .flat_map(|_| Kind::ALL)
            .map(|kind| Slow::open(server.addr(), kind))
            .collect();
        let opened_in = start.elapsed();

        let all_closed = AtomicBool::new(false);
        let url = server.url("/normal");
        let (latencies, held) = thread::scope(|s| {
            // Normal requests, each on a new connection, for as long as slow clients are open.
            let normal = s.spawn(|| {
                let mut latencies = Vec::new();
                while !all_closed.load(Ordering::SeqCst) {
                    let agent = ureq::Agent::new_with_defaults();
                    let sent = Instant::now();
                    let body = agent
                        .get(&url)
                        .call()
                        .expect("a normal request is answered")
                        .body_mut()
                        .read_to_string()
                        .expect("a body");
                    latencies.push(sent.elapsed());
                    assert_eq!(body, "URL.Path = \"/normal\"\n");
                    thread::sleep(Duration::from_millis(50));
                }
                latencies
            });
            let mut held = 0;
            let mut last_trickle = Instant::now();
            let give_up = Instant::now() + TIMEOUT + GRACE;
            while slow.iter().any(|c| c.closed_after.is_none()) && Instant::now() < give_up {
                held = held.max(handle.live_connections());
                let trickle_now = last_trickle.elapsed() >= TRICKLE;
                if trickle_now {
                    last_trickle = Instant::now();
                }
                slow.iter_mut().for_each(|c| c.step(trickle_now));
                thread::sleep(Duration::from_millis(10));
            }
            all_closed.store(true, Ordering::SeqCst);
            (normal.join().expect("the normal client"), held)
        });
        let settled = settle_threads("server-conn", Duration::from_secs(10));
        let live_after = handle.live_connections();
        server.shutdown().unwrap();

        let mut figures = Figures::new(format!(
            "slow clients: {} at once, server timeouts {TIMEOUT:?}",
            slow.len()
        ));
        figures
            .add("slow clients opened in", format!("{opened_in:.2?}"))
            .add("connections held at once (peak)", held);
        for kind in Kind::ALL {
            let of_kind: Vec<&Slow> = slow.iter().filter(|c| c.kind == kind).collect();
            let closed: Vec<Duration> = of_kind.iter().filter_map(|c| c.closed_after).collect();
            let answered = of_kind
                .iter()
                .filter(|c| c.status() == kind.expected())
                .count();
            figures.add(
                format!("{kind:?}"),
                format!(
                    "{} closed by the server (slowest after {:.2?}), {answered} answered {}",
                    closed.len(),
                    closed.iter().max().copied().unwrap_or_default(),
                    kind.expected()
                        .map_or("nothing, as expected".to_owned(), |s| s.to_string()),
                ),
            );
        }
        let worst = latencies.iter().max().copied().unwrap_or_default();
        let mut sorted = latencies.clone();
        sorted.sort();
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
        figures
            .add(
                "normal requests meanwhile",
                format!(
                    "{} answered, median {median:.2?}, worst {worst:.2?}",
                    latencies.len()
                ),
            )
            .add(
                "connection threads left / live after",
                format!("{settled:?} / {live_after}"),
            );
        figures.print();

        for client in &slow {
            let closed = client.closed_after.unwrap_or_else(|| {
                panic!(
                    "a {:?} client outlasted the timeouts:\n{figures}",
                    client.kind
                )
            });
            assert!(
                closed >= TIMEOUT.mul_f64(0.9),
                "a {:?} client was closed before its timeout, after {closed:?}:\n{figures}",
                client.kind
            );
            assert_eq!(
                client.status(),
                client.kind.expected(),
                "a {:?} client got {:?}:\n{figures}",
                client.kind,
                String::from_utf8_lossy(&client.received)
            );
        }
        assert!(
            held >= slow.len(),
            "every slow client held at once:\n{figures}"
        );
        assert!(latencies.len() >= 3, "too few normal requests:\n{figures}");
        assert!(worst < PROMPT, "a normal request waited:\n{figures}");
        assert_eq!(settled, Some(0), "{figures}");
        assert_eq!(live_after, 0, "{figures}");
    });
}
