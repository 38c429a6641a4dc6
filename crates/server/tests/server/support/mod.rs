//! What the server's tests share: a client that reports every status, and raw socket exchanges
//! for requests no well-behaved client would send.
#![allow(dead_code)] // each test file uses part of it

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The deadline of every test.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// A client that returns `4xx`/`5xx` answers instead of errors, and never waits forever.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent()
}

/// `GET url`: the status and the body as text.
pub fn get(agent: &ureq::Agent, url: &str) -> (u16, String) {
    let mut res = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let body = res.body_mut().read_to_string().expect("a text body");
    (res.status().as_u16(), body)
}

/// A parsed response: status, headers (names lowercased) and body.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Raw {
    /// The value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A raw connection to `addr` that gives up reading after ten seconds.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Reads one response from `stream` (its body by Content-Length).
pub fn read_response(stream: &mut TcpStream) -> Raw {
    read(stream, true)
}

/// Reads the response to a `HEAD` request: no body, whatever the Content-Length says.
pub fn read_head_response(stream: &mut TcpStream) -> Raw {
    read(stream, false)
}

fn read(stream: &mut TcpStream, with_body: bool) -> Raw {
    // Byte by byte up to the blank line, so that nothing of a pipelined next answer is taken.
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("a response");
        assert!(n > 0, "connection closed before a response: {head:?}");
        head.push(byte[0]);
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut res = httparse::Response::new(&mut headers);
    res.parse(&head).expect("a valid response");
    let headers: Vec<(String, String)> = res
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value).into_owned();
            (h.name.to_ascii_lowercase(), value)
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length" && with_body)
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).expect("the whole body");
    Raw {
        status: res.code.unwrap(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Sends `request` on a new connection and reads one response.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Raw {
    let mut stream = connect(addr);
    stream.write_all(request).expect("send");
    read_response(&mut stream)
}

/// Whether the server has closed `stream`: a read sees the end (or a reset) in time.
pub fn closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
        ),
    }
}
