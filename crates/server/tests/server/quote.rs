//! Go's `%q`, checked against what Go itself printed: `tests/fixtures/go_quote.txt`, made by
//! `tests/fixtures/go_quote.go`. Go is not needed to run these tests.

use crate::support::{DEADLINE, exchange};
use chanlab_common::testing::no_threads_left;
use chanlab_server::Server;
use chanlab_server::http::request_path;
use chanlab_server::quote::go_quote;

const VECTORS: &str = include_str!("../fixtures/go_quote.txt");

/// The fixture's cases of one kind: (input bytes, what Go printed).
fn cases(kind: &str) -> Vec<(Vec<u8>, &'static str)> {
    VECTORS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split('\t');
            (fields.next() == Some(kind)).then(|| {
                let input = hex(fields.next().expect("input"));
                (input, fields.next().expect("expected"))
            })
        })
        .collect()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn quoting_matches_go_byte_for_byte() {
    let cases = cases("quote");
    assert!(cases.len() > 4000, "the fixture is all there");
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(input, want)| go_quote(input) != *want)
        .map(|(input, want)| format!("{input:02x?}: Go {want}, ours {}", go_quote(input)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn paths_decode_as_go_decodes_them() {
    let cases = cases("path");
    assert!(cases.len() > 30);
    for (target, want) in cases {
        let ours = request_path(&target).map(|path| go_quote(&path));
        match (want, ours) {
            ("!", Err(_)) => {}
            ("!", Ok(ours)) => panic!("{target:?}: Go rejects it, we decode {ours}"),
            (want, Ok(ours)) => assert_eq!(ours, want, "{target:?}"),
            (want, Err(e)) => panic!("{target:?}: Go decodes {want}, we say {e}"),
        }
    }
}

#[test]
fn the_server_echoes_every_fixture_path_as_go_would() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        for (target, want) in cases("path") {
            if target.is_empty() {
                continue; // no request line can carry an empty target
            }
            let mut request = b"GET ".to_vec();
            request.extend_from_slice(&target);
            request.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let res = exchange(server.addr(), &request);
            if want == "!" || std::str::from_utf8(&target).is_err() {
                // A target that is not UTF-8 is refused by httparse, where Go would take it
                // raw; escaped (`%ff`) it is served.
                assert_eq!(res.status, 400, "{target:02x?}: {res:?}");
            } else {
                assert_eq!(res.status, 200, "{target:02x?}");
                assert_eq!(res.body, format!("URL.Path = {want}\n"), "{target:02x?}");
            }
        }
        server.shutdown().unwrap();
    });
}
