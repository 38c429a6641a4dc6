//! The `serve` step and the task server: the thread server's answers, limits and timeouts, with
//! the slow work off the runtime's workers.
use chanlab_common::testing::{STEP_DEADLINE, lesson_secs, no_threads_left, run_step, within};
use chanlab_server::Config;
use chanlab_tasks::serve::{self, Flavor, Running};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn the_step_serves_a_thousand_kept_alive_connections_and_stops() {
    let t = run_step(serve::run, 0.2);
    assert!(t.contains("connections open at once"), "{t}");
    let answers = t.find("answers 200 OK").unwrap();
    let opened = t.find("connections open at once").unwrap();
    let n: usize = opened.text.split(' ').next().unwrap().parse().unwrap();
    assert!(
        answers.text.starts_with(&format!("{} answers", 2 * n)),
        "{t}"
    );
    assert!(t.contains(&format!("/count: Count {}", 2 * n)), "{t}");
    let sleepers = &t
        .find("200 requests of /sleep 0.2s (1s at pace 1) at once")
        .unwrap()
        .text;
    assert!(lesson_secs(sleepers, "took", 0.2) >= 0.95, "{t}");
    assert!(t.contains("/lissajous: 200"), "{t}");
    assert!(t.contains("stopped gracefully"), "{t}");
}

/// Sends `request` on a new connection and reads until the server closes it.
fn exchange(server: &Running, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn short_timeouts() -> Config {
    Config {
        read_header_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(300),
        max_header_bytes: 1024,
        max_body_bytes: 64,
        ..serve::config()
    }
}

#[test]
fn it_answers_as_the_thread_server_does() {
    no_threads_left(STEP_DEADLINE, || {
        let server = serve::spawn("127.0.0.1:0", short_timeouts(), Flavor::CurrentThread).unwrap();
        let close = "Connection: close\r\n";
        let ask = |line: &str, extra: &str| {
            exchange(
                &server,
                format!("{line}\r\nHost: x\r\n{extra}{close}\r\n").as_bytes(),
            )
        };
        let echo = ask("GET /caf%C3%A9 HTTP/1.1", "");
        assert!(echo.starts_with("HTTP/1.1 200 OK\r\n"), "{echo}");
        assert!(echo.ends_with("URL.Path = \"/café\"\n"), "{echo}");
        assert!(ask("GET /count HTTP/1.1", "").ends_with("Count 1\n"));
        let post = ask("POST /count HTTP/1.1", "Content-Length: 0\r\n");
        assert!(
            post.starts_with("HTTP/1.1 405") && post.contains("Allow: GET, HEAD"),
            "{post}"
        );
        assert!(ask("GET /sleep?ms=x HTTP/1.1", "").starts_with("HTTP/1.1 400"));
        assert!(ask("GET /sleep?ms=20 HTTP/1.1", "").ends_with("slept 20 ms\n"));
        assert!(ask("GET /lissajous?size=1 HTTP/1.1", "").starts_with("HTTP/1.1 400"));
        let gif = ask("GET /lissajous?size=20&nframes=2 HTTP/1.1", "");
        assert!(
            gif.contains("Content-Type: image/gif") && gif.contains("GIF89a"),
            "{gif}"
        );
        let head = ask("HEAD / HTTP/1.1", "");
        assert!(
            head.contains("Content-Length: 15") && head.ends_with("\r\n\r\n"),
            "{head}"
        );
        let debug = ask("GET /debug?a=1 HTTP/1.1", "");
        assert!(debug.contains("Form[\"a\"] = [\"1\"]"), "{debug}");
        // Refused before any handler runs.
        assert!(exchange(&server, b"GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 400"));
        assert!(exchange(&server, b"nonsense\r\n\r\n").starts_with("HTTP/1.1 400"));
        let big = format!(
            "GET / HTTP/1.1\r\nHost: x\r\nX: {}\r\n\r\n",
            "a".repeat(2000)
        );
        assert!(exchange(&server, big.as_bytes()).starts_with("HTTP/1.1 431"));
        let body = ask("POST /debug HTTP/1.1", "Content-Length: 100\r\n");
        assert!(body.starts_with("HTTP/1.1 413"), "{body}");
        assert!(
            exchange(&server, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 505")
        );
        server.shutdown();
    });
}

#[test]
fn kept_alive_requests_share_a_connection_even_pipelined() {
    no_threads_left(STEP_DEADLINE, || {
        let server = serve::spawn("127.0.0.1:0", short_timeouts(), Flavor::MultiThread(2)).unwrap();
        let two = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        let answer = exchange(&server, two);
        assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
        assert!(
            answer.contains("\"/a\"") && answer.contains("\"/b\""),
            "{answer}"
        );
        server.shutdown();
    });
}

#[test]
fn slow_and_idle_clients_are_closed() {
    no_threads_left(STEP_DEADLINE, || {
        let server = serve::spawn("127.0.0.1:0", short_timeouts(), Flavor::CurrentThread).unwrap();
        // Half a head, then nothing: 408 once the read-header timeout has passed.
        let started = Instant::now();
        let answer = exchange(&server, b"GET / HTTP/1.1\r\nHost:");
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "{:?}",
            started.elapsed()
        );
        // Nothing at all: closed without an answer after the timeout.
        let started = Instant::now();
        assert_eq!(exchange(&server, b""), "");
        assert!(started.elapsed() >= Duration::from_millis(250));
        server.shutdown();
    });
}

#[test]
fn connections_over_the_cap_are_answered_503() {
    no_threads_left(STEP_DEADLINE, || {
        let config = Config {
            max_connections: 2,
            ..short_timeouts()
        };
        let server = serve::spawn("127.0.0.1:0", config, Flavor::CurrentThread).unwrap();
        let held: Vec<TcpStream> = (0..2)
            .map(|_| TcpStream::connect(server.addr()).unwrap())
            .collect();
        std::thread::sleep(Duration::from_millis(50)); // both taken by the accept loop
        let refused = exchange(&server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
        assert!(refused.contains("Retry-After: 1"), "{refused}");
        drop(held);
        server.shutdown();
    });
}

#[test]
fn a_shutdown_lets_a_request_in_progress_finish() {
    let answer = within(STEP_DEADLINE, || {
        let server = serve::spawn("127.0.0.1:0", serve::config(), Flavor::MultiThread(2)).unwrap();
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream
            .write_all(b"GET /sleep?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        // Long enough for the server to have accepted and read the request even on a loaded
        // machine, and a third of the sleep: the shutdown comes while it is being served.
        std::thread::sleep(Duration::from_millis(500));
        server.shutdown(); // waits for it
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    });
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("Connection: close"), "{answer}");
    assert!(answer.ends_with("slept 1500 ms\n"), "{answer}");
}

/// On a runtime of one thread, a GIF that takes a while to draw must not hold up `/`: it is
/// drawn on the blocking pool. In one run of three, for a busy machine.
#[test]
fn a_gif_being_drawn_does_not_hold_up_other_requests() {
    let mut runs = Vec::new();
    for _ in 0..3 {
        let (echo, gif) = no_threads_left(STEP_DEADLINE, || {
            let server =
                serve::spawn("127.0.0.1:0", serve::config(), Flavor::CurrentThread).unwrap();
            let gif = "GET /lissajous?size=200&nframes=64&res=0.0005 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            let started = Instant::now();
            let drawing = std::thread::spawn({
                let addr = server.addr();
                move || {
                    let mut stream = TcpStream::connect(addr).unwrap();
                    stream.write_all(gif.as_bytes()).unwrap();
                    let mut answer = Vec::new();
                    stream.read_to_end(&mut answer).unwrap();
                    started.elapsed()
                }
            });
            std::thread::sleep(Duration::from_millis(20));
            let asked = Instant::now();
            let echo = exchange(
                &server,
                b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            );
            let echo_took = asked.elapsed();
            assert!(echo.starts_with("HTTP/1.1 200"), "{echo}");
            let gif_took = drawing.join().unwrap();
            server.shutdown();
            (echo_took, gif_took)
        });
        runs.push((echo, gif));
        if echo * 4 < gif {
            return;
        }
    }
    panic!("/ waited for the GIF in every run (/, GIF): {runs:?}");
}

#[test]
fn many_slow_requests_cost_timers_not_threads() {
    let took = within(STEP_DEADLINE, || {
        let server = serve::spawn("127.0.0.1:0", serve::config(), Flavor::CurrentThread).unwrap();
        let started = Instant::now();
        let clients: Vec<_> = (0..100)
            .map(|_| {
                let addr = server.addr();
                std::thread::spawn(move || {
                    let mut stream = TcpStream::connect(addr).unwrap();
                    stream
                        .write_all(
                            b"GET /sleep?ms=200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        )
                        .unwrap();
                    let mut answer = String::new();
                    stream.read_to_string(&mut answer).unwrap();
                    assert!(answer.ends_with("slept 200 ms\n"), "{answer}");
                })
            })
            .collect();
        clients.into_iter().for_each(|c| c.join().unwrap());
        let took = started.elapsed();
        server.shutdown();
        took
    });
    // One after another would be 20 s; a thread each is not needed to overlap them.
    assert!(took < Duration::from_secs(5), "{took:?}");
}
