//! The tasks lesson's server (a task per connection) under the thread server's load and slow
//! clients: a thousand and five thousand kept-alive connections on both runtime flavours, every
//! request answered, none refused, the threads fixed however many connections; hundreds of slow
//! clients closed by their timeouts while a normal request is answered promptly.

use chanlab_common::testing::{no_threads_left, thread_count};
use chanlab_hardening::load::{self, Load, Tally};
use chanlab_hardening::{Figures, Scale};
use chanlab_server::Config;
use chanlab_tasks::serve::{self, Flavor};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Every case here is done well within this, on a loaded two-core machine.
const DEADLINE: Duration = Duration::from_secs(300);

/// Runs `load` with `wrk` when it is installed, else with the socket generator; says which.
fn generate(load: &Load) -> (Tally, &'static str) {
    if load::wrk_installed() {
        (load::wrk(load).expect("wrk runs"), "wrk")
    } else {
        (
            load::sockets(load).expect("the generator runs"),
            "threads + sockets",
        )
    }
}

#[test]
fn a_thousand_keep_alive_connections_on_one_thread() {
    keep_alive_connections(1000, 50_000, Flavor::CurrentThread);
}

#[test]
fn a_thousand_keep_alive_connections_on_two_workers() {
    keep_alive_connections(1000, 50_000, Flavor::MultiThread(2));
}

#[test]
fn five_thousand_keep_alive_connections_on_two_workers() {
    keep_alive_connections(5000, 50_000, Flavor::MultiThread(2));
}

/// `connections` kept-alive connections on the task server with its default `Config`: no request
/// refused, none lost, in `short` requests (a million in a soak); the server's threads do not
/// grow with the connections.
fn keep_alive_connections(connections: usize, short: u64, flavor: Flavor) {
    let target: u64 = Scale::from_env().pick(short, 1_000_000);
    no_threads_left(DEADLINE, move || {
        let before = thread_count().unwrap_or_default();
        let server = serve::spawn("127.0.0.1:0", serve::config(), flavor).unwrap();
        let server_threads = thread_count().unwrap_or_default().saturating_sub(before);
        let mut load = Load {
            addr: server.addr(),
            path: "/".into(),
            connections,
            duration: Duration::from_secs(2),
        };
        let start = Instant::now();
        let (warm, generator) = generate(&load);
        let rate = warm.answered as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        let mut total = Tally::default();
        let mut runs = 0;
        while total.answered < target {
            let remaining = (target - total.answered) as f64;
            load.duration =
                Duration::from_secs_f64((remaining / rate.max(1.0) * 1.1).clamp(1.0, 60.0));
            total = total.plus(generate(&load).0);
            runs += 1;
            assert!(runs <= 50, "the load makes no headway: {total:?}");
        }
        let elapsed = start.elapsed();
        let served = load::served(&server.url("/count"));
        server.shutdown();

        let mut figures = Figures::new(format!(
            "tasks server ({flavor:?}): {connections} keep-alive connections on GET /"
        ));
        figures
            .add("generator", generator)
            .add("server threads (runtime and accept)", server_threads)
            .add(
                "warm-up",
                format!("{} requests, {} errors", warm.answered, warm.errors()),
            )
            .add("requests answered", total.answered)
            .add("  of which refused (4xx/5xx)", total.refused)
            .add("errors", total.errors())
            .add(
                "duration",
                format!(
                    "{elapsed:.2?} in {runs} run(s), {:.0} requests/s",
                    total.answered as f64 / elapsed.as_secs_f64()
                ),
            )
            .add("server's /count", served);
        figures.print();

        assert_eq!(
            warm.errors() + total.errors(),
            0,
            "requests failed:\n{figures}"
        );
        assert_eq!(
            warm.refused + total.refused,
            0,
            "requests refused:\n{figures}"
        );
        // Every answer the generator counted was counted by the server, and at most a
        // connection's worth more per run: those in flight when the generator stopped.
        let answered = warm.answered + total.answered;
        let in_flight = (connections * (runs + 1)) as u64;
        assert!(
            (answered..=answered + in_flight).contains(&served),
            "{figures}"
        );
        // Connections are tasks: the runtime's threads, not one per connection.
        assert!(server_threads <= 4, "{figures}");
    });
}

/// The timeouts of the slow-client case: long enough that a normal request held up behind the
/// slow clients would show, short enough for a test.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Silent clients and clients that trickle half a head hold connections open; a normal request
/// on a runtime of one thread is still answered promptly, and the timeouts close every slow one:
/// the trickling ones with `408`, the silent ones without an answer.
#[test]
fn slow_clients_are_closed_and_hold_nobody_up() {
    let slow: usize = Scale::from_env().pick(500, 2000);
    no_threads_left(DEADLINE, move || {
        let config = Config {
            read_header_timeout: TIMEOUT,
            idle_timeout: TIMEOUT,
            ..serve::config()
        };
        let server = serve::spawn("127.0.0.1:0", config, Flavor::CurrentThread).unwrap();
        let opened = Instant::now();
        let mut silent = Vec::new();
        let mut trickling = Vec::new();
        for i in 0..slow {
            let mut stream = TcpStream::connect(server.addr()).unwrap();
            stream.set_read_timeout(Some(TIMEOUT * 5)).unwrap();
            if i % 2 == 0 {
                stream.write_all(b"GET / HTTP/1.1\r\nHost: slow").unwrap();
                trickling.push(stream);
            } else {
                silent.push(stream);
            }
        }
        // A normal request meanwhile: prompt, though every slow connection is still open.
        let asked = Instant::now();
        let body = ureq::get(&server.url("/prompt"))
            .call()
            .expect("answered")
            .body_mut()
            .read_to_string()
            .unwrap();
        let prompt = asked.elapsed();
        assert_eq!(body, "URL.Path = \"/prompt\"\n");

        let mut timed_out_408 = 0;
        for mut stream in trickling {
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            timed_out_408 += usize::from(answer.starts_with(b"HTTP/1.1 408"));
        }
        let mut closed_silently = 0;
        for mut stream in silent {
            let mut byte = [0; 1];
            match stream.read(&mut byte) {
                Ok(0) => closed_silently += 1,
                Err(e) if e.kind() == ErrorKind::ConnectionReset => closed_silently += 1,
                _ => {}
            }
        }
        let all_closed = opened.elapsed();
        server.shutdown();

        let mut figures = Figures::new(format!(
            "tasks server (one thread): {slow} slow clients, timeouts of {TIMEOUT:?}"
        ));
        figures
            .add("a normal request meanwhile took", format!("{prompt:.2?}"))
            .add("trickling clients answered 408", timed_out_408)
            .add("silent clients closed without an answer", closed_silently)
            .add(
                "every slow client closed after",
                format!("{all_closed:.2?}"),
            );
        figures.print();
        assert!(prompt < TIMEOUT / 2, "{figures}");
        assert_eq!(timed_out_408, slow.div_ceil(2), "{figures}");
        assert_eq!(closed_silently, slow / 2, "{figures}");
        assert!(all_closed >= TIMEOUT, "{figures}");
    });
}
