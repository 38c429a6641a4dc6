//! Fuzzes how the server reads a request: `parse_head` on any bytes and any header limit, and
//! for a head it accepts, what the connection then relies on — the head parses again into a
//! request line whose target has a path. Also `request_path` and Go's quoting on raw bytes.
//!
//! Run: `cargo +nightly fuzz run request_head fuzz/corpus/request_head fuzz/seeds/request_head`
//! from the workspace root (or `cargo xtask soak`).
#![no_main]

use chanlab_server::http::{Reject, parse_head, request_path};
use chanlab_server::quote::go_quote;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the header limit, from the smallest the server accepts (256) up.
    let (limit, data) = match data.split_first() {
        Some((&first, rest)) => (256 + usize::from(first) * 64, rest),
        None => (16 * 1024, data),
    };
    match parse_head(data, limit) {
        Ok(Some(head)) => {
            assert!(head.len <= data.len() && head.len <= limit, "{head:?}");
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut request = httparse::Request::new(&mut headers);
            let parsed = request.parse(&data[..head.len]);
            assert!(
                matches!(parsed, Ok(httparse::Status::Complete(len)) if len == head.len),
                "{parsed:?}"
            );
            let (Some(_method), Some(target), Some(_version)) =
                (request.method, request.path, request.version)
            else {
                panic!("an accepted head without a request line")
            };
            let path = request_path(target.as_bytes()).expect("an accepted target has a path");
            let _ = go_quote(&path);
            let query = target.split_once('?').map_or("", |(_, q)| q);
            form_urlencoded::parse(query.as_bytes()).for_each(drop);
        }
        Ok(None) => {}
        Err(Reject(status, reason)) => {
            assert!((400..=599).contains(&status), "status {status}");
            assert!(!reason.is_empty());
        }
    }
    if let Ok(path) = request_path(data) {
        let _ = go_quote(&path);
    }
});
