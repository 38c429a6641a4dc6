//! Step `echo`: the course's handler, which answers with the path it was asked for, quoted as Go's
//! `%q` does (section 5.6).
//!
//! Go's `r.URL.Path` is the decoded path: `/caf%C3%A9` arrives as `/café`, `%ff` as a byte that is
//! not UTF-8, which `%q` shows as `\xff`.

use crate::http::{Request, Response, TEXT_PLAIN};
use crate::quote::write_go_quoted;
#[cfg(feature = "lesson")]
use {crate::Server, anyhow::Context, chanlab_common::Cx};

// ANCHOR: echo
/// Answers `URL.Path = "<path>"`, the path quoted as Go's `%q` quotes it.
pub fn handler(req: &Request<'_>, res: &mut Response) {
    res.set_header("Content-Type", TEXT_PLAIN);
    let body = res.body_mut();
    body.extend_from_slice(b"URL.Path = ");
    write_go_quoted(body, req.path());
    body.push(b'\n');
}
// ANCHOR_END: echo

/// The paths the step asks for: plain, escaped, Unicode, and bytes that are not UTF-8.
pub const PATHS: &[&str] = &[
    "/",
    "/hello",
    "/a%20b?x=1",
    "/caf%C3%A9",
    "/tab%09and%22quote%22",
    "/%ff%fe",
];

/// Starts a server on a free port, asks for a few paths, and shows each answer.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let server = Server::bind("127.0.0.1:0")?.spawn()?;
    cx.say(format!("serving on {}", server.url("/")));
    for path in PATHS {
        let url = server.url(path);
        let body = ureq::get(&url)
            .call()
            .and_then(|mut r| r.body_mut().read_to_string())
            .with_context(|| format!("GET {url}"))?;
        cx.say(format!("GET {path:<24} -> {}", body.trim_end()));
    }
    server.shutdown()?;
    Ok(())
}
