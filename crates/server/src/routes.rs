//! Routing by exact path, with `404` and `405`, and the lesson's routes: `/` (echo), `/count`,
//! `/lissajous`, `/debug` and `/sleep`.

use crate::counter::Counter;
use crate::http::{Handler, Request, Response};
use crate::quote::{go_quote, write_go_quoted};
use crate::{echo, lissajous};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// `GET` and `HEAD`: what most routes take.
pub const GET: &[&str] = &["GET", "HEAD"];

/// `GET`, `HEAD` and `POST`: what `/debug` takes, to show form bodies.
pub const GET_POST: &[&str] = &["GET", "HEAD", "POST"];

/// The longest `/sleep` in milliseconds.
pub const MAX_SLEEP_MS: u64 = 10_000;

/// Sends each request to the handler registered for its exact path, or to the fallback.
///
/// A path nobody handles is answered `404`; a method the route does not take, `405` with an
/// `Allow` header listing those it does.
///
/// ```
/// use chanlab_server::{Request, Response, Router, Server, routes::GET};
///
/// let hello = |_: &Request, res: &mut Response| res.text(200, "hello, world\n");
/// let server = Server::bind("127.0.0.1:0")?.handler(Router::new().route("/hello", GET, hello)).spawn()?;
/// let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
/// let res = agent.post(&server.url("/hello")).send_empty()?;
/// assert_eq!(res.status(), 405);
/// assert_eq!(res.headers()["allow"], "GET, HEAD");
/// assert_eq!(agent.get(&server.url("/other")).call()?.status(), 404);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
    fallback: Option<Route>,
}

struct Route {
    path: String,
    methods: &'static [&'static str],
    handler: Box<dyn Handler>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<&str> = self.routes.iter().map(|r| r.path.as_str()).collect();
        f.debug_struct("Router")
            .field("routes", &paths)
            .field("fallback", &self.fallback.is_some())
            .finish()
    }
}

impl Router {
    /// A router with no routes: everything is `404`.
    pub fn new() -> Router {
        Router::default()
    }

    /// Sends requests for exactly `path` (decoded, without the query) to `handler`, for the
    /// `methods` listed.
    pub fn route(
        mut self,
        path: impl Into<String>,
        methods: &'static [&'static str],
        handler: impl Handler,
    ) -> Router {
        self.routes.push(Route {
            path: path.into(),
            methods,
            handler: Box::new(handler),
        });
        self
    }

    /// Sends requests for every other path to `handler`, as Go's `"/"` pattern does.
    pub fn fallback(mut self, methods: &'static [&'static str], handler: impl Handler) -> Router {
        self.fallback = Some(Route {
            path: String::new(),
            methods,
            handler: Box::new(handler),
        });
        self
    }
}

impl Handler for Router {
    fn handle(&self, req: &Request<'_>, res: &mut Response) {
        let route = self.routes.iter().find(|r| r.path.as_bytes() == req.path());
        let Some(route) = route.or(self.fallback.as_ref()) else {
            return res.error(404, "404 page not found");
        };
        if !route.methods.contains(&req.method()) {
            res.set_header("Allow", route.methods.join(", "));
            return res.error(405, format_args!("method {} not allowed", req.method()));
        }
        route.handler.handle(req, res);
    }
}

/// The lesson's server: the course's echo and counter, gopl's Lissajous and debug pages, and a
/// slow page for clients to test against.
///
/// - `/` (any other path): counts the request and echoes its path, `URL.Path = "/x"`;
/// - `/count`: `Count N`, the requests counted so far (its own are not);
/// - `/lissajous?cycles=&res=&size=&nframes=&delay=`: an animated GIF (see [`lissajous`]);
/// - `/debug`: the request as the server sees it: method, target, headers, form values;
/// - `/sleep?ms=N`: answers after `N` ms, up to [`MAX_SLEEP_MS`].
// ANCHOR: routes
pub fn routes() -> Router {
    let counter = Arc::new(Counter::new());
    let hits = counter.clone();
    Router::new()
        .route("/count", GET, move |_: &Request<'_>, res: &mut Response| {
            res.text(200, format_args!("Count {}\n", counter.get()));
        })
        .route("/lissajous", GET, lissajous::handler)
        .route("/debug", GET_POST, debug)
        .route("/sleep", GET, sleep)
        .fallback(GET, move |req: &Request<'_>, res: &mut Response| {
            hits.hit();
            echo::handler(req, res);
        })
}
// ANCHOR_END: routes

/// `/debug`: the request as the server parsed it, in the format of gopl's `server3`, with
/// headers and form values sorted by name.
pub fn debug(req: &Request<'_>, res: &mut Response) {
    let mut headers: BTreeMap<String, Vec<&[u8]>> = BTreeMap::new();
    for (name, value) in req.headers() {
        if !name.eq_ignore_ascii_case("host") {
            headers.entry(canonical(name)).or_default().push(value);
        }
    }
    // Go's r.Form: values from a form body first, then from the query.
    let mut form: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let is_form = req
        .header("content-type")
        .is_some_and(|t| t.starts_with(b"application/x-www-form-urlencoded"));
    let body = if req.method() == "POST" && is_form {
        req.body()
    } else {
        b""
    };
    for (key, value) in form_urlencoded::parse(body).chain(req.query_pairs()) {
        form.entry(key.into_owned())
            .or_default()
            .push(value.into_owned());
    }

    res.set_header("Content-Type", crate::http::TEXT_PLAIN);
    let out = res.body_mut();
    // Writing into a Vec cannot fail.
    let _ = writeln!(out, "{} {} {}", req.method(), req.target(), req.proto());
    for (name, values) in &headers {
        let _ = write!(out, "Header[{}] = ", go_quote(name.as_bytes()));
        write_list(out, values.iter().copied());
    }
    let host = req.header("host").unwrap_or_default();
    let _ = writeln!(out, "Host = {}", go_quote(host));
    let remote = req.remote_addr().to_string();
    let _ = writeln!(out, "RemoteAddr = {}", go_quote(remote.as_bytes()));
    for (key, values) in &form {
        let _ = write!(out, "Form[{}] = ", go_quote(key.as_bytes()));
        write_list(out, values.iter().map(|v| v.as_bytes()));
    }
}

/// A list as Go's `%q` prints a `[]string`: `["a" "b"]`, then a newline.
fn write_list<'a>(out: &mut Vec<u8>, values: impl Iterator<Item = &'a [u8]>) {
    out.push(b'[');
    for (i, value) in values.enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write_go_quoted(out, value);
    }
    out.extend_from_slice(b"]\n");
}

/// A header name as Go spells it: `content-type` becomes `Content-Type`.
fn canonical(name: &str) -> String {
    let mut upper = true;
    name.chars()
        .map(|c| {
            let c = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            c
        })
        .collect()
}

/// `/sleep?ms=N`: answers `slept N ms` after `N` milliseconds, `0..=`[`MAX_SLEEP_MS`].
///
/// The sleep cannot be interrupted: a shutdown waits for it, as it waits for any request.
pub fn sleep(req: &Request<'_>, res: &mut Response) {
    match sleep_ms(req) {
        Ok(ms) => {
            std::thread::sleep(Duration::from_millis(ms));
            slept(ms, res);
        }
        Err(reason) => res.error(400, reason),
    }
}

/// The milliseconds a `/sleep` request asks for, or why it is a bad request: the half of
/// [`sleep`] that does not wait, for a server that waits its own way (an async timer).
///
/// ```
/// use chanlab_server::http::{parse_head, with_request};
/// use chanlab_server::routes::sleep_ms;
///
/// let buf = b"GET /sleep?ms=25 HTTP/1.1\r\nHost: h\r\n\r\n";
/// let head = parse_head(buf, 1024).unwrap().unwrap();
/// let ms = with_request(buf, &head, "127.0.0.1:9".parse().unwrap(), sleep_ms);
/// assert_eq!(ms, Ok(25));
/// ```
pub fn sleep_ms(req: &Request<'_>) -> Result<u64, String> {
    let Some(value) = req.query_value("ms") else {
        return Err(format!(
            "missing ms: use /sleep?ms=N, N from 0 to {MAX_SLEEP_MS}"
        ));
    };
    match value.parse::<u64>() {
        Ok(ms) if ms <= MAX_SLEEP_MS => Ok(ms),
        _ => Err(format!(
            "ms must be a whole number from 0 to {MAX_SLEEP_MS}, not {value:?}"
        )),
    }
}

/// The answer to a `/sleep` of `ms` milliseconds, once they have passed.
pub fn slept(ms: u64, res: &mut Response) {
    res.text(200, format_args!("slept {ms} ms\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_canonical() {
        assert_eq!(canonical("content-TYPE"), "Content-Type");
        assert_eq!(canonical("x-forwarded-for"), "X-Forwarded-For");
        assert_eq!(canonical("te"), "Te");
    }
}
