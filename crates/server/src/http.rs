//! The HTTP/1.1 protocol: the request head checked before any handler runs ([`parse_head`], a
//! [`Head`] or a [`Reject`]), then what handlers see: a parsed [`Request`], the [`Response`] they
//! fill in, and the [`Handler`] trait that joins them.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Display;
use std::io::Write;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::SystemTime;

/// Headers per request at most (httparse needs a fixed array); more is answered `431`.
pub(crate) const MAX_HEADERS: usize = 64;

/// A request's head, checked: what the connection needs before the handler runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// The head's length in bytes, up to and including the blank line.
    pub len: usize,
    /// The body's length: the `Content-Length`, or 0 without one.
    pub content_length: usize,
    /// Whether the connection stays open after the answer.
    pub keep_alive: bool,
    /// Whether the client waits for `100 Continue` before it sends the body.
    pub expect_continue: bool,
}

/// A request the server answers itself, before any handler sees it: the status (`400`, `431`,
/// `505`...) and a one-line reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject(pub u16, pub Cow<'static, str>);

impl Reject {
    pub(crate) fn new(status: u16, reason: impl Into<Cow<'static, str>>) -> Reject {
        Reject(status, reason.into())
    }
}

/// Something that answers requests: the lesson's [`Router`](crate::Router), or any closure
/// `Fn(&Request, &mut Response)` that is `Send + Sync`.
///
/// A handler runs on the thread of the connection that sent the request, so many run at once;
/// shared state needs a lock. A panic is caught and answered `500`.
// ANCHOR: handler
pub trait Handler: Send + Sync + 'static {
    /// Fills in `res` for `req`. `res` starts as an empty `200 OK`.
    fn handle(&self, req: &Request<'_>, res: &mut Response);
}

impl<F> Handler for F
where
    F: Fn(&Request<'_>, &mut Response) + Send + Sync + 'static,
{
    fn handle(&self, req: &Request<'_>, res: &mut Response) {
        self(req, res)
    }
}
// ANCHOR_END: handler

/// A request, borrowed from the connection's buffer: nothing is copied to hand it to a handler.
#[derive(Debug)]
pub struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) target: &'a str,
    pub(crate) path: Cow<'a, [u8]>,
    pub(crate) query: &'a str,
    pub(crate) minor_version: u8,
    pub(crate) headers: &'a [httparse::Header<'a>],
    pub(crate) body: &'a [u8],
    pub(crate) remote_addr: SocketAddr,
}

impl<'a> Request<'a> {
    /// The method, such as `GET`.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The request target exactly as sent, such as `/a%20b?x=1`.
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The path, percent-decoded, as Go's `r.URL.Path`: `/a%20b?x=1` gives `/a b`. It may hold any
    /// bytes (`%ff` decodes to `0xff`), so it is bytes, not a `str`.
    pub fn path(&self) -> &[u8] {
        &self.path
    }

    /// The raw query, after the first `?` (empty without one).
    pub fn query(&self) -> &'a str {
        self.query
    }

    /// The decoded query parameters, in order.
    pub fn query_pairs(&self) -> form_urlencoded::Parse<'a> {
        form_urlencoded::parse(self.query.as_bytes())
    }

    /// The first value of the query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<Cow<'a, str>> {
        self.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The protocol, `HTTP/1.1` or `HTTP/1.0`.
    pub fn proto(&self) -> &'static str {
        if self.minor_version == 0 {
            "HTTP/1.0"
        } else {
            "HTTP/1.1"
        }
    }

    /// The headers in the order received; names as sent.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        self.headers.iter().map(|h| (h.name, h.value))
    }

    /// The value of the first header called `name` (compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The body: empty unless the request had a `Content-Length`.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The client's address.
    pub fn remote_addr(&self) -> SocketAddr {
        self.remote_addr
    }
}

/// The media type of every text answer.
pub const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

/// A response being built by a handler: status, extra headers and body.
///
/// The server adds `Date`, `Content-Length` and `Connection`; a body without a `Content-Type`
/// is sent as [`TEXT_PLAIN`]. A connection reuses one `Response` for all its requests, so a
/// handler that writes into [`Response::body_mut`] allocates nothing.
#[derive(Debug)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, Cow<'static, str>)>,
    pub(crate) body: Vec<u8>,
}

/// A body buffer bigger than this is not kept for the connection's next request.
const KEEP_BODY_CAPACITY: usize = 64 * 1024;

impl Default for Response {
    fn default() -> Response {
        Response::new()
    }
}

impl Response {
    /// An empty `200 OK`.
    pub fn new() -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The `503` a server sends a connection it has no room for: it may retry in a second.
    pub fn busy() -> Response {
        let mut res = Response::new();
        res.error(503, "server busy: too many connections, try again");
        res.set_header("Retry-After", "1");
        res
    }

    /// Back to an empty `200 OK`, keeping the buffers unless they grew large: a connection reuses
    /// one `Response` for all its requests.
    pub fn reset(&mut self) {
        self.status = 200;
        self.headers.clear();
        if self.body.capacity() > KEEP_BODY_CAPACITY {
            self.body = Vec::new();
        } else {
            self.body.clear();
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Sets the status code; it must be in `200..=599` (the server sends nothing else).
    pub fn set_status(&mut self, status: u16) {
        debug_assert!((200..=599).contains(&status), "status {status}");
        self.status = status;
    }

    /// Sets a header, replacing any earlier value for the same name.
    pub fn set_header(&mut self, name: &'static str, value: impl Into<Cow<'static, str>>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(header) => header.1 = value,
            None => self.headers.push((name, value)),
        }
    }

    /// The value of the header `name`, if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// The body, to write into.
    pub fn body_mut(&mut self) -> &mut Vec<u8> {
        &mut self.body
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Answers `status` with `text` as a `text/plain` body.
    pub fn text(&mut self, status: u16, text: impl Display) {
        self.set_status(status);
        self.set_header("Content-Type", TEXT_PLAIN);
        self.body.clear();
        // Writing into a Vec cannot fail.
        let _ = write!(self.body, "{text}");
    }

    /// Answers an error: `status` and a one-line `reason`.
    pub fn error(&mut self, status: u16, reason: impl Display) {
        self.text(status, format_args!("{reason}\n"));
    }

    /// Answers `status` with `body` of type `content_type`.
    pub fn bytes(&mut self, status: u16, content_type: &'static str, body: Vec<u8>) {
        self.set_status(status);
        self.set_header("Content-Type", content_type);
        self.body = body;
    }
}

/// The reason phrase for the status codes this server sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        417 => "Expectation Failed",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Why a request target has no path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not `/path`, `scheme://host/path` or `*`.
    #[error("the request target is not a path or an absolute URL")]
    Form,
    /// A `%` not followed by two hex digits.
    #[error("the request target has a malformed %-escape")]
    Escape,
}

/// The decoded path of a request target, as Go's `url.ParseRequestURI(target).Path`.
///
/// Accepts the origin form (`/a%20b?q`), the absolute form (`http://host/a?q`, whose path may be
/// empty) and `*`. A `+` stays a `+`: only query strings encode spaces that way.
///
/// ```
/// use chanlab_server::http::{request_path, TargetError};
///
/// assert_eq!(&*request_path(b"/caf%C3%A9?x=1").unwrap(), "/café".as_bytes());
/// assert_eq!(&*request_path(b"http://example.com/a+b").unwrap(), b"/a+b");
/// assert_eq!(request_path(b"/%zz"), Err(TargetError::Escape));
/// assert_eq!(request_path(b"index.html"), Err(TargetError::Form));
/// ```
pub fn request_path(target: &[u8]) -> Result<Cow<'_, [u8]>, TargetError> {
    if target == b"*" {
        return Ok(Cow::Borrowed(target));
    }
    let before_query = match target.iter().position(|&b| b == b'?') {
        Some(q) => &target[..q],
        None => target,
    };
    let path = if before_query.starts_with(b"/") {
        before_query
    } else {
        let rest = after_scheme(before_query).ok_or(TargetError::Form)?;
        if let Some(authority) = rest.strip_prefix(b"//") {
            // The authority runs to the next `/`; what follows is the path.
            match authority.iter().position(|&b| b == b'/') {
                Some(slash) => &authority[slash..],
                None => b"",
            }
        } else if rest.starts_with(b"/") {
            rest
        } else {
            b"" // `scheme:opaque` has no path, as in Go
        }
    };
    percent_decode(path)
}

/// What follows `scheme:` when `target` starts with a URL scheme (`[A-Za-z][A-Za-z0-9+.-]*:`).
fn after_scheme(target: &[u8]) -> Option<&[u8]> {
    let colon = target.iter().position(|&b| b == b':')?;
    let scheme = &target[..colon];
    let valid = scheme.first()?.is_ascii_alphabetic()
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b));
    valid.then(|| &target[colon + 1..])
}

/// `%HH` escapes decoded to bytes; borrows when there are none.
fn percent_decode(s: &[u8]) -> Result<Cow<'_, [u8]>, TargetError> {
    if !s.contains(&b'%') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.iter();
    while let Some(&b) = bytes.next() {
        if b == b'%' {
            let hi = bytes.next().and_then(|&h| hex_digit(h));
            let lo = bytes.next().and_then(|&l| hex_digit(l));
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                _ => return Err(TargetError::Escape),
            }
        } else {
            out.push(b);
        }
    }
    Ok(Cow::Owned(out))
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The bytes a connection has received and not yet served: the request being read, and whatever
/// a client pipelined after it. It grows for a large head or body, up to the limit each read asks
/// for, and shrinks back once a large request is served, so that an idle connection holds little.
/// The thread server and the tasks lesson's server both read into one.
#[derive(Debug)]
pub struct Received {
    /// `buf[..filled]` is received; the rest is room for the next read.
    buf: Vec<u8>,
    filled: usize,
    max_header_bytes: usize,
}

impl Received {
    /// The buffer's first size.
    const INITIAL: usize = 4096;

    /// An empty buffer for heads of up to `max_header_bytes`.
    pub fn new(max_header_bytes: usize) -> Received {
        Received {
            buf: vec![0; Received::INITIAL.min(max_header_bytes)],
            filled: 0,
            max_header_bytes,
        }
    }

    /// What has been received and not yet consumed.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.filled]
    }

    /// How many bytes [`bytes`](Received::bytes) holds.
    pub fn len(&self) -> usize {
        self.filled
    }

    /// Whether nothing waits to be served.
    pub fn is_empty(&self) -> bool {
        self.filled == 0
    }

    /// Room for the next read, grown when full, but never so that the bytes received would pass
    /// `limit` (at least one byte of room is always given). Tell [`advance`](Received::advance)
    /// how much the read put there.
    pub fn room(&mut self, limit: usize) -> &mut [u8] {
        if self.filled == self.buf.len() {
            let grown = (self.buf.len() * 2)
                .max(Received::INITIAL)
                .min(limit.max(self.filled + 1));
            self.buf.resize(grown, 0);
        }
        &mut self.buf[self.filled..]
    }

    /// Counts `n` bytes a read put into [`room`](Received::room).
    pub fn advance(&mut self, n: usize) {
        self.filled += n;
    }

    /// Drops the first `used` bytes (a request served) and keeps what came after them; gives a
    /// grown buffer's memory back when little is left.
    pub fn consume(&mut self, used: usize) {
        self.buf.copy_within(used..self.filled, 0);
        self.filled -= used;
        let initial = Received::INITIAL.min(self.max_header_bytes);
        if self.buf.len() > 4 * Received::INITIAL.max(self.max_header_bytes)
            && self.filled < Received::INITIAL
        {
            self.buf.truncate(initial.max(self.filled));
            self.buf.shrink_to_fit();
        }
    }
}

/// The `Date` header's value (IMF-fixdate, RFC 9110) for `secs` seconds after the Unix epoch.
///
/// ```
/// assert_eq!(chanlab_server::http::http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
pub fn http_date(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let time = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[month as usize - 1],
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

/// The (year, month, day) of `days` after 1970-01-01, in the proleptic Gregorian calendar.
///
/// Counts in 400-year eras that start on 1 March, so leap days fall at the end of a year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// Calls `f` with the request at the start of `buf`, whose head [`parse_head`] accepted as
/// `head` and whose body follows it in full: the [`Request`] a handler sees, borrowed from `buf`.
///
/// ```
/// use chanlab_server::http::{parse_head, with_request};
///
/// let buf = b"GET /caf%C3%A9?x=1 HTTP/1.1\r\nHost: h\r\n\r\n";
/// let head = parse_head(buf, 16 * 1024).unwrap().unwrap();
/// let addr = "127.0.0.1:9".parse().unwrap();
/// let (path, x) = with_request(buf, &head, addr, |req| {
///     (req.path().to_vec(), req.query_value("x").map(|v| v.into_owned()))
/// });
/// assert_eq!((path, x), ("/café".as_bytes().to_vec(), Some("1".to_owned())));
/// ```
///
/// # Panics
///
/// If `buf` is shorter than the request `head` describes, or is not the request it was parsed
/// from.
pub fn with_request<R>(
    buf: &[u8],
    head: &Head,
    remote_addr: SocketAddr,
    f: impl FnOnce(&Request<'_>) -> R,
) -> R {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let buf = &buf[..head.len + head.content_length];
    // The head parsed before; it parses the same way again.
    let _ = parsed.parse(buf);
    let (Some(method), Some(target), Some(minor_version)) =
        (parsed.method, parsed.path, parsed.version)
    else {
        panic!("with_request needs a head that parse_head accepted")
    };
    let Ok(path) = request_path(target.as_bytes()) else {
        panic!("with_request needs a head that parse_head accepted")
    };
    let request = Request {
        method,
        target,
        path,
        query: target.split_once('?').map_or("", |(_, q)| q),
        minor_version,
        headers: parsed.headers,
        body: &buf[head.len..],
        remote_addr,
    };
    f(&request)
}

/// Runs `handler` on `req` into `res` (reset first). A handler that panics is answered `500`
/// instead, and this returns `false`: its state is unknown, so the connection should close.
pub fn answer(handler: &dyn Handler, req: &Request<'_>, res: &mut Response) -> bool {
    res.reset();
    // ANCHOR: panic
    if catch_unwind(AssertUnwindSafe(|| handler.handle(req, res))).is_err() {
        // The handler's state is unknown: answer, and the caller closes the connection.
        res.reset();
        res.error(500, "internal server error");
        return false;
    }
    // ANCHOR_END: panic
    true
}

/// Appends the head of `res` to `out`: status line, `Date`, its headers, `Content-Type` (text
/// unless set), `Content-Length`, `Connection: close` unless `keep_alive`, and the blank line. The
/// body follows it on the wire, except in the answer to a `HEAD` request.
pub fn write_head(out: &mut Vec<u8>, res: &Response, keep_alive: bool) {
    // Writing into a Vec cannot fail.
    let _ = write!(
        out,
        "HTTP/1.1 {} {}\r\nDate: ",
        res.status,
        reason(res.status)
    );
    with_date(|date| out.extend_from_slice(date.as_bytes()));
    out.extend_from_slice(b"\r\n");
    for (name, value) in &res.headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    if !res.body.is_empty() && res.header("Content-Type").is_none() {
        let _ = write!(out, "Content-Type: {TEXT_PLAIN}\r\n");
    }
    let _ = write!(out, "Content-Length: {}\r\n", res.body.len());
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// Calls `f` with the current `Date` header value, formatted at most once a second per thread.
fn with_date(f: impl FnOnce(&str)) {
    thread_local! {
        static DATE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    DATE.with_borrow_mut(|(secs, date)| {
        if *secs != now {
            *secs = now;
            *date = http_date(now);
        }
        f(date)
    });
}

/// Parses and checks the request head at the start of `buf`, as a connection does before it
/// runs a handler: `Ok(None)` while the head is incomplete, the head when it is complete and
/// acceptable, or the status and reason the server answers instead.
///
/// It is public for the fuzz targets in `fuzz/`: whatever the bytes, it returns, and a head it
/// accepts always has a request line whose target has a path.
///
/// ```
/// use chanlab_server::http::{Reject, parse_head};
///
/// let head = parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 16 * 1024).unwrap().unwrap();
/// assert_eq!((head.len, head.keep_alive), (27, true));
/// assert_eq!(parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n", 16 * 1024), Ok(None));
/// let Err(Reject(status, _)) = parse_head(b"GET / HTTP/1.1\r\n\r\n", 16 * 1024) else {
///     panic!("a request without Host is refused")
/// };
/// assert_eq!(status, 400);
/// ```
pub fn parse_head(buf: &[u8], max_header_bytes: usize) -> Result<Option<Head>, Reject> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Reject::new(
                431,
                format!("more than {MAX_HEADERS} request headers"),
            ));
        }
        // `HTTP/2.0` is a version this server does not speak; `FOO/1.1` is no version at all.
        Err(httparse::Error::Version) if is_http_version(buf) => {
            return Err(Reject::new(505, "only HTTP/1.0 and HTTP/1.1 are supported"));
        }
        Err(e) => return Err(Reject::new(400, format!("malformed request: {e}"))),
    };
    if len > max_header_bytes {
        return Err(Reject::new(431, "request headers too large"));
    }
    let target = req.path.unwrap_or_default();
    if let Err(e) = request_path(target.as_bytes()) {
        return Err(Reject::new(400, e.to_string()));
    }
    let http11 = req.version == Some(1);

    let mut hosts = 0;
    let mut content_length: Option<usize> = None;
    let mut transfer_encoding: Option<&[u8]> = None;
    let mut close = !http11;
    let mut expect_continue = false;
    for header in req.headers.iter() {
        let name = header.name;
        let value = trim(header.value);
        if name.eq_ignore_ascii_case("host") {
            hosts += 1;
        } else if name.eq_ignore_ascii_case("content-length") {
            let length =
                parse_length(value).ok_or_else(|| Reject::new(400, "malformed Content-Length"))?;
            if content_length.is_some_and(|earlier| earlier != length) {
                return Err(Reject::new(400, "conflicting Content-Length headers"));
            }
            content_length = Some(length);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            transfer_encoding = Some(value);
        } else if name.eq_ignore_ascii_case("connection") {
            for token in value.split(|&b| b == b',').map(trim) {
                if token.eq_ignore_ascii_case(b"close") {
                    close = true;
                } else if token.eq_ignore_ascii_case(b"keep-alive") && !http11 {
                    close = false;
                }
            }
        } else if name.eq_ignore_ascii_case("expect") {
            if !value.eq_ignore_ascii_case(b"100-continue") {
                return Err(Reject::new(417, "only Expect: 100-continue is supported"));
            }
            expect_continue = true;
        }
    }
    if http11 && hosts == 0 {
        return Err(Reject::new(400, "missing Host header"));
    }
    if hosts > 1 {
        return Err(Reject::new(400, "more than one Host header"));
    }
    if let Some(coding) = transfer_encoding {
        if content_length.is_some() {
            return Err(Reject::new(
                400,
                "both Content-Length and Transfer-Encoding",
            ));
        }
        let last = coding
            .rsplit(|&b| b == b',')
            .next()
            .map(trim)
            .unwrap_or_default();
        return Err(if last.eq_ignore_ascii_case(b"chunked") {
            Reject::new(
                411,
                "chunked request bodies are not supported: send a Content-Length",
            )
        } else {
            Reject::new(
                501,
                "transfer codings are not supported: send a Content-Length",
            )
        });
    }
    Ok(Some(Head {
        len,
        content_length: content_length.unwrap_or(0),
        keep_alive: !close,
        expect_continue,
    }))
}

/// Whether the request line ends in `HTTP/<digit>...`.
fn is_http_version(buf: &[u8]) -> bool {
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    let version = line.rsplit(|&b| b == b' ').next().unwrap_or_default();
    version
        .strip_prefix(b"HTTP/")
        .is_some_and(|v| v.first().is_some_and(u8::is_ascii_digit))
}

/// A Content-Length: decimal digits only, no sign, no spaces.
fn parse_length(value: &[u8]) -> Option<usize> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `data` into `received` in reads of at most `chunk` bytes, each limited to `limit`.
    fn receive(received: &mut Received, data: &[u8], chunk: usize, limit: usize) {
        for piece in data.chunks(chunk) {
            let mut piece = piece;
            while !piece.is_empty() {
                let room = received.room(limit);
                let n = room.len().min(piece.len());
                room[..n].copy_from_slice(&piece[..n]);
                received.advance(n);
                piece = &piece[n..];
            }
        }
    }

    #[test]
    fn received_keeps_what_came_after_a_request() {
        let mut received = Received::new(8192);
        receive(&mut received, b"GET /a HTTP/1.1\r\n\r\nGET /b", 7, 8192);
        assert_eq!(received.bytes(), b"GET /a HTTP/1.1\r\n\r\nGET /b");
        received.consume(19);
        assert_eq!(received.bytes(), b"GET /b");
        assert_eq!(received.len(), 6);
        received.consume(6);
        assert!(received.is_empty());
    }

    #[test]
    fn received_grows_to_its_limit_and_shrinks_when_served() {
        let mut received = Received::new(1024);
        assert_eq!(
            received.room(1024).len(),
            1024,
            "the first size is the head limit"
        );
        received.advance(1024);
        assert_eq!(
            received.room(1024).len(),
            1,
            "a full buffer at its limit still reads a byte"
        );
        let body = vec![b'x'; 100_000];
        let mut received = Received::new(1024);
        receive(&mut received, &body, 65_536, 100_000);
        assert_eq!(received.len(), 100_000);
        assert!(
            received.room(100_000).len() <= 1,
            "grown no further than the limit"
        );
        received.consume(99_990);
        assert_eq!(received.bytes(), &body[..10]);
        assert!(
            received.buf.len() <= 1024,
            "{} bytes kept",
            received.buf.len()
        );
    }

    #[test]
    fn dates_across_leap_years_and_centuries() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(http_date(1_709_251_199), "Thu, 29 Feb 2024 23:59:59 GMT");
        assert_eq!(http_date(4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT");
    }

    #[test]
    fn targets() {
        assert_eq!(&*request_path(b"/a%2Fb").unwrap(), b"/a/b");
        assert_eq!(&*request_path(b"HTTP://h:80").unwrap(), b"");
        assert_eq!(&*request_path(b"http:opaque").unwrap(), b"");
        assert_eq!(request_path(b"/%4"), Err(TargetError::Escape));
        assert_eq!(request_path(b":x"), Err(TargetError::Form));
    }

    #[test]
    fn headers_are_replaced_case_blind() {
        let mut res = Response::new();
        res.set_header("Allow", "GET");
        res.set_header("allow", "GET, HEAD");
        assert_eq!(res.headers.len(), 1);
        assert_eq!(res.header("ALLOW"), Some("GET, HEAD"));
    }

    fn head(text: &str) -> Result<Option<Head>, Reject> {
        parse_head(text.as_bytes(), 16 * 1024)
    }

    fn status(text: &str) -> u16 {
        match head(text) {
            Err(Reject(status, _)) => status,
            Ok(_) => 200,
        }
    }

    #[test]
    fn heads_are_checked() {
        assert!(head("GET / HTTP/1.1\r\nHost: x\r\n").unwrap().is_none());
        let h = head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            .unwrap()
            .unwrap();
        assert_eq!((h.len, h.content_length, h.keep_alive), (47, 5, true));
        assert!(!head("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap().keep_alive);
        let h = head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(h.keep_alive);
        let h = head("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!h.keep_alive);
        assert_eq!(status("GET / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
        assert_eq!(status("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
            400
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
            411
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
            501
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n"),
            417
        );
    }
}
