//! HTTP/1.1 done properly: keep-alive and pipelining, bodies, and a precise status for each kind
//! of bad request, after which the server keeps serving.

use crate::support::{DEADLINE, agent, closed, connect, exchange, get, read_response};
use chanlab_common::testing::no_threads_left;
use chanlab_server::{Config, Request, Response, Router, Server, routes::GET_POST};
use std::io::Write;

fn small_limits() -> Config {
    Config {
        max_header_bytes: 1024,
        max_body_bytes: 4096,
        ..Config::default()
    }
}

#[test]
fn one_connection_carries_many_requests_even_pipelined() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let mut stream = connect(server.addr());
        for i in 0..3 {
            write!(stream, "GET /{i} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let res = read_response(&mut stream);
            assert_eq!(res.body, format!("URL.Path = \"/{i}\"\n"));
            assert_eq!(res.header("connection"), None, "kept alive");
        }
        // Three requests in one write: three answers, in order.
        stream
            .write_all(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /count HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut stream).body, "URL.Path = \"/a\"\n");
        assert_eq!(read_response(&mut stream).body, "URL.Path = \"/b\"\n");
        let last = read_response(&mut stream);
        assert_eq!(last.body, "Count 5\n");
        assert_eq!(last.header("connection"), Some("close"));
        assert!(closed(&mut stream), "closed as the client asked");
        server.shutdown().unwrap();
    });
}

#[test]
fn http10_closes_unless_asked_to_keep_alive() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let mut stream = connect(server.addr());
        stream.write_all(b"GET /old HTTP/1.0\r\n\r\n").unwrap();
        let res = read_response(&mut stream);
        assert_eq!((res.status, res.header("connection")), (200, Some("close")));
        assert!(closed(&mut stream));
        let mut stream = connect(server.addr());
        stream
            .write_all(b"GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut stream).header("connection"), None);
        server.shutdown().unwrap();
    });
}

#[test]
fn bodies_by_content_length_and_100_continue() {
    no_threads_left(DEADLINE, || {
        let echo_body = |req: &Request, res: &mut Response| {
            res.text(
                200,
                format_args!(
                    "{} bytes: {}",
                    req.body().len(),
                    String::from_utf8_lossy(req.body())
                ),
            )
        };
        let router = Router::new().route("/body", GET_POST, echo_body);
        let server = Server::bind_with("127.0.0.1:0", small_limits())
            .unwrap()
            .handler(router)
            .spawn()
            .unwrap();
        let mut res = agent().post(&server.url("/body")).send("hello").unwrap();
        assert_eq!(res.body_mut().read_to_string().unwrap(), "5 bytes: hello");
        // Bodies larger than the header buffer, up to the limit.
        for size in [2000, 4096] {
            let big = "b".repeat(size);
            let mut res = agent().post(&server.url("/body")).send(&big).unwrap();
            let answer = res.body_mut().read_to_string().unwrap();
            assert_eq!(answer, format!("{size} bytes: {big}"));
        }
        // The body arrives only after the server says 100 Continue.
        let mut stream = connect(server.addr());
        stream
            .write_all(b"POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut stream).status, 100);
        stream.write_all(b"abc").unwrap();
        assert_eq!(read_response(&mut stream).body, "3 bytes: abc");
        server.shutdown().unwrap();
    });
}

#[test]
fn bad_requests_get_precise_statuses_and_the_server_keeps_serving() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind_with("127.0.0.1:0", small_limits())
            .unwrap()
            .spawn()
            .unwrap();
        let big_header = format!(
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
            "a".repeat(2000)
        );
        let many_headers = format!(
            "GET / HTTP/1.1\r\nHost: x\r\n{}\r\n",
            "X-H: 1\r\n".repeat(70)
        );
        let cases: Vec<(&[u8], u16, &str)> = vec![
            (b"NOT HTTP AT ALL\r\n\r\n", 400, "malformed request"),
            (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, "malformed request"),
            (b"GET\x01 / HTTP/1.1\r\n\r\n", 400, "malformed request"),
            (b"GET / HTTP/1.1\r\n\r\n", 400, "missing Host header"),
            (b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed %-escape"),
            (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1"),
            (big_header.as_bytes(), 431, "request headers too large"),
            (many_headers.as_bytes(), 431, "more than 64 request headers"),
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n", 413, "request body over 4096 bytes"),
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n", 400, "malformed Content-Length"),
            (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 411, "send a Content-Length"),
            (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "send a Content-Length"),
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello", 400, "both Content-Length and Transfer-Encoding"),
            (b"GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417, "100-continue"),
        ];
        for (request, status, reason) in cases {
            let res = exchange(server.addr(), request);
            let shown = String::from_utf8_lossy(&request[..request.len().min(60)]);
            assert_eq!(res.status, status, "{shown}: {res:?}");
            assert!(res.body.contains(reason), "{shown}: {res:?}");
            assert_eq!(res.header("connection"), Some("close"), "{shown}");
            assert_eq!(get(&agent(), &server.url("/still-there")).0, 200);
        }
        // A body over the limit sent by a real client gets its 413, not a reset.
        let res = agent()
            .post(&server.url("/"))
            .send(&vec![b'x'; 8000][..])
            .unwrap();
        assert_eq!(res.status(), 413);
        server.shutdown().unwrap();
    });
}

#[test]
fn a_panicking_handler_gets_500_and_the_server_keeps_serving() {
    no_threads_left(DEADLINE, || {
        let router = Router::new()
            .route("/panic", GET_POST, |_: &Request, _: &mut Response| {
                panic!("handler bug (expected by the test)")
            })
            .route("/fine", GET_POST, |_: &Request, res: &mut Response| {
                res.text(200, "fine\n")
            });
        let server = Server::bind("127.0.0.1:0")
            .unwrap()
            .handler(router)
            .spawn()
            .unwrap();
        let agent = agent();
        let mut idle = connect(server.addr());
        for _ in 0..3 {
            assert_eq!(
                get(&agent, &server.url("/panic")),
                (500, "internal server error\n".into())
            );
            assert_eq!(get(&agent, &server.url("/fine")), (200, "fine\n".into()));
        }
        // A connection opened before the panics still works.
        idle.write_all(b"GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut idle).body, "fine\n");
        server.shutdown().unwrap();
    });
}
