//! One HTTP GET: time it, count the body as it streams, and say precisely what went wrong.

use chanlab_channels::limits::SpawnError;
use std::fmt;
use std::io::{self, Read};
use std::time::{Duration, Instant};
use ureq::Agent;

/// A completed fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// The URL as given.
    pub url: String,
    /// The HTTP status of the final response (after redirects).
    pub status: u16,
    /// Body bytes received.
    pub bytes: u64,
    /// Time from the start of the request to the last byte of the body.
    pub elapsed: Duration,
}

// ANCHOR: line
impl fmt::Display for Fetched {
    /// The course's line: seconds, bytes right-aligned in 7 columns, URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.2}s {:>7} {}",
            self.elapsed.as_secs_f64(),
            self.bytes,
            self.url
        )
    }
}
// ANCHOR_END: line

/// Why a fetch failed: each kind of bad URL or bad server gets its own variant and message.
// ANCHOR: errors
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The text is not a URL at all.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// A URL, but not one this client speaks.
    #[error("unsupported scheme {0:?}: only http and https are fetched")]
    UnsupportedScheme(String),
    /// The host name did not resolve.
    #[error("unknown host {0:?}")]
    UnknownHost(String),
    /// Nothing listens at that address.
    #[error("connection refused")]
    ConnectionRefused,
    /// The whole fetch, body included, took longer than the timeout.
    #[error("timed out after {0:.1?}")]
    Timeout(Duration),
    /// The server answered with a 4xx or 5xx status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The connection broke after the response had begun.
    #[error("connection cut after {bytes} body bytes: {source}")]
    Cut {
        /// Body bytes received before the cut.
        bytes: u64,
        /// What the socket reported.
        source: io::Error,
    },
    /// The server redirected more times than allowed (a redirect loop).
    #[error("too many redirects")]
    TooManyRedirects,
    /// Anything else the HTTP client reported (a TLS failure, a protocol error, ...).
    #[error("{0}")]
    Other(String),
    /// The system would not start a thread for this URL, so neither it nor any URL after it was
    /// fetched.
    #[error("no thread for it: {0}; the URLs after it were not tried")]
    NoThread(#[source] SpawnError),
}
// ANCHOR_END: errors

/// Fetches `url` with `agent`, discarding the body but counting it as it streams.
///
/// The body is read in 16 KiB pieces and never held in memory whole, so a large download costs
/// no more memory than a small one.
///
/// ```
/// use chanlab_fetchall::fetch::{FetchError, fetch};
///
/// let agent = ureq::Agent::new_with_defaults();
/// let err = fetch(&agent, "gopher://example.org/").unwrap_err();
/// assert!(matches!(err, FetchError::UnsupportedScheme(s) if s == "gopher"));
/// ```
// ANCHOR: fetch
pub fn fetch(agent: &Agent, url: &str) -> Result<Fetched, FetchError> {
    let start = Instant::now();
    let host = check_url(url)?;
    let timeout = agent.config().timeouts().global;
    let classify = |error| classify(error, &host, timeout);
    let mut response = agent.get(url).call().map_err(classify)?;
    let status = response.status().as_u16();
    let mut body = response.body_mut().as_reader();
    let mut buffer = [0u8; 16 * 1024];
    let mut bytes = 0u64;
    loop {
        match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => bytes += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                // Once the body has begun, any failure but a timeout is a broken transfer.
                return Err(match classify(ureq::Error::from(e)) {
                    FetchError::Timeout(t) => FetchError::Timeout(t),
                    FetchError::Cut { source, .. } => FetchError::Cut { bytes, source },
                    other => FetchError::Cut {
                        bytes,
                        source: io::Error::other(other.to_string()),
                    },
                });
            }
        }
    }
    Ok(Fetched {
        url: url.to_owned(),
        status,
        bytes,
        elapsed: start.elapsed(),
    })
}
// ANCHOR_END: fetch

/// Checks what can be checked before connecting; returns the host.
fn check_url(url: &str) -> Result<String, FetchError> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e: ureq::http::uri::InvalidUri| FetchError::InvalidUrl(e.to_string()))?;
    let Some(scheme) = uri.scheme_str() else {
        let hint = if url.contains("://") {
            String::new()
        } else {
            format!(" (try http://{url})")
        };
        return Err(FetchError::InvalidUrl(format!("no scheme{hint}")));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(FetchError::UnsupportedScheme(scheme.to_owned()));
    }
    match uri.host() {
        Some(host) if !host.is_empty() => Ok(host.to_owned()),
        _ => Err(FetchError::InvalidUrl("no host".into())),
    }
}

/// Maps the HTTP client's error to ours.
fn classify(error: ureq::Error, host: &str, timeout: Option<Duration>) -> FetchError {
    match error {
        ureq::Error::StatusCode(code) => FetchError::Status(code),
        ureq::Error::BadUri(reason) => FetchError::InvalidUrl(reason),
        ureq::Error::HostNotFound => FetchError::UnknownHost(host.to_owned()),
        ureq::Error::Timeout(_) => FetchError::Timeout(timeout.unwrap_or_default()),
        ureq::Error::TooManyRedirects => FetchError::TooManyRedirects,
        ureq::Error::Io(e) => match e.kind() {
            io::ErrorKind::ConnectionRefused => FetchError::ConnectionRefused,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                FetchError::Timeout(timeout.unwrap_or_default())
            }
            // The system resolver's failure comes through as a plain I/O error.
            _ if e.to_string().starts_with("failed to lookup address") => {
                FetchError::UnknownHost(host.to_owned())
            }
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => FetchError::Cut {
                bytes: 0,
                source: e,
            },
            _ => FetchError::Other(e.to_string()),
        },
        other => FetchError::Other(other.to_string()),
    }
}
