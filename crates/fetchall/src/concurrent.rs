//! The course's fetchall: one thread per URL, results over a channel as they finish (section 5.2).

use crate::fetch::{FetchError, Fetched, fetch};
use chanlab_channels::limits::SpawnError;
use crossbeam_channel::{Receiver, bounded, unbounded};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::thread;
use std::time::Duration;
use ureq::Agent;
use ureq::http::Uri;
use ureq::tls::{RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
#[cfg(feature = "lesson")]
use {
    crate::demo::Demo,
    crate::duration::parse_duration,
    chanlab_common::{Cx, Exit},
    std::time::Instant,
};

/// How [`fetch_all`] runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The most time one URL may take, body included.
    pub timeout: Duration,
    /// The most fetches in flight at once.
    pub concurrency: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(10),
            concurrency: 32,
        }
    }
}

/// The largest concurrency accepted: each fetch in flight is a thread.
pub const MAX_CONCURRENCY: usize = 1024;

impl Options {
    /// An HTTP agent shared by every fetch: the timeout applies end to end, the connection pool
    /// keeps as many idle connections as fetches can be in flight, and TLS trusts the system's
    /// certificate authorities (so it works behind a company's TLS proxy too). Host names are
    /// looked up by [`Lookup`].
    pub fn agent(&self) -> Agent {
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::PlatformVerifier)
            .build();
        let config = Agent::config_builder()
            .tls_config(tls)
            .timeout_global(Some(self.timeout))
            .max_idle_connections(self.concurrency)
            .max_idle_connections_per_host(self.concurrency)
            .build();
        Agent::with_parts(config, DefaultConnector::default(), Lookup)
    }
}

/// Looks host names up the way ureq does, with two differences that matter when threads run
/// short. ureq starts a thread for every lookup, so that the timeout holds while the system
/// resolver waits, even for an address such as `127.0.0.1` that needs no lookup, and it panics if
/// the thread cannot start. Here an address is taken as it is, with no thread; a name gets its
/// thread when the system gives one, and is looked up without the timeout's guard when not.
#[derive(Debug)]
struct Lookup;

impl Resolver for Lookup {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // Without a timeout, ureq's resolver looks up on the calling thread.
        let here = |uri: &Uri, config: &ureq::config::Config| {
            DefaultResolver::default().resolve(uri, config, NextTimeout::default())
        };
        let host = uri.host().unwrap_or_default();
        let address = host.trim_start_matches('[').trim_end_matches(']');
        if timeout.after.is_not_happening() || address.parse::<IpAddr>().is_ok() {
            return here(uri, config);
        }
        let (found, result) = std::sync::mpsc::sync_channel(1);
        let (name, settings) = (uri.clone(), config.clone());
        let lookup = thread::Builder::new().name("lookup".into()).spawn(move || {
            let _ = found.send(here(&name, &settings)); // the fetch may have given up
        });
        if lookup.is_err() {
            return here(uri, config); // no thread to spare: wait for the resolver itself
        }
        match result.recv_timeout(*timeout.after) {
            Ok(addresses) => addresses,
            Err(RecvTimeoutError::Timeout) => Err(ureq::Error::Timeout(timeout.reason)),
            Err(RecvTimeoutError::Disconnected) => Err(ureq::Error::HostNotFound),
        }
    }
}

/// A failed fetch, with the URL it was for. Its `Display` is the course's error line.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {error}")]
pub struct Failure {
    /// The URL as given.
    pub url: String,
    /// What went wrong.
    #[source]
    pub error: FetchError,
}

/// What [`fetch_all`] sends for each URL.
pub type Outcome = Result<Fetched, Failure>;

/// Fetches every URL on its own thread, at most `options.concurrency` at a time, and returns a
/// channel that delivers each outcome as it finishes and closes after the last.
///
/// A buffered channel of capacity `concurrency` is the semaphore, as in Go: a fetch sends a
/// token before it starts and takes one back when it ends. Dropping the receiver early stops
/// the remaining fetches from starting; those in flight finish and their threads end.
///
/// If the system refuses a thread, that URL's outcome is [`FetchError::NoThread`], saying how many
/// threads had started and the likely limit, and no URL after it is tried; the fetches in flight
/// finish, and the channel closes after their outcomes.
///
/// ```
/// use chanlab_fetchall::concurrent::{Options, fetch_all};
///
/// let outcomes = fetch_all(vec!["not a url".to_string()], &Options::default());
/// let failure = outcomes.recv().unwrap().unwrap_err();
/// assert!(failure.to_string().starts_with("not a url: invalid URL"));
/// assert!(outcomes.recv().is_err()); // closed after the last outcome
/// ```
pub fn fetch_all(urls: Vec<String>, options: &Options) -> Receiver<Outcome> {
    let (results_tx, results) = unbounded();
    let concurrency = options.concurrency.clamp(1, MAX_CONCURRENCY);
    let agent = options.agent();
    // ANCHOR: fetch_all
    let (tokens, slots) = bounded::<()>(concurrency);
    let abandoned = Arc::new(AtomicBool::new(false));
    let total = urls.len();
    let first_url = urls.first().cloned();
    let dispatcher_tx = results_tx.clone();
    let dispatch = move || {
        for (i, url) in urls.into_iter().enumerate() {
            let _ = tokens.send(()); // blocks while `concurrency` fetches are in flight
            if abandoned.load(Ordering::Relaxed) {
                break;
            }
            let fetcher = {
                let (agent, slots, results_tx, abandoned) = (
                    agent.clone(),
                    slots.clone(),
                    results_tx.clone(),
                    abandoned.clone(),
                );
                let url = url.clone();
                move || {
                    let outcome = fetch(&agent, &url).map_err(|error| Failure { url, error });
                    let _ = slots.recv(); // free the slot
                    if results_tx.send(outcome).is_err() {
                        abandoned.store(true, Ordering::Relaxed); // nobody is listening
                    }
                }
            };
            if let Err(e) = thread::Builder::new()
                .name(format!("fetch {i}"))
                .spawn(fetcher)
            {
                // Out of threads: report it once and stop, rather than fail every URL left.
                let error = FetchError::NoThread(SpawnError::refused(i, total, e));
                let _ = results_tx.send(Err(Failure { url, error }));
                break;
            }
        }
    };
    // ANCHOR_END: fetch_all
    if let Err(e) = thread::Builder::new()
        .name("fetchall".into())
        .spawn(dispatch)
        && let Some(url) = first_url
    {
        let error = FetchError::NoThread(SpawnError::refused(0, total, e));
        let _ = dispatcher_tx.send(Err(Failure { url, error }));
    }
    results
}

/// Parsed `[--timeout D] [--concurrency N] [URL...]`.
#[cfg(feature = "lesson")]
pub fn parse_args(args: &[String]) -> Result<(Options, Vec<String>), Exit> {
    let mut options = Options::default();
    let mut urls = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| Exit::usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--timeout" => {
                let text = value("--timeout")?;
                options.timeout = parse_duration(&text).map_err(Exit::usage)?;
                if options.timeout.is_zero() {
                    return Err(Exit::usage("--timeout must be more than zero"));
                }
            }
            "--concurrency" => {
                let text = value("--concurrency")?;
                options.concurrency = match text.parse() {
                    Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => n,
                    _ => {
                        let message =
                            format!("--concurrency takes 1..={MAX_CONCURRENCY}, not {text:?}");
                        return Err(Exit::usage(message));
                    }
                };
            }
            flag if flag.starts_with("--") => {
                return Err(Exit::usage(format!(
                    "unknown option {flag}\nusage: fetchall [--timeout 10s] [--concurrency 32] URL..."
                )));
            }
            url => urls.push(url.to_owned()),
        }
    }
    Ok((options, urls))
}

/// Fetches the URLs given as arguments, or, with none, a local demo server's slow pages; prints
/// each line as it finishes and the total last.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    print_outcomes(cx, fetch_all)
}

/// The course program's shape, shared by the `concurrent` and `sequential` steps: takes the URLs
/// from the arguments (or the offline demo), prints each outcome `fetch` yields as it comes and
/// the total last, and exits with status 1 if any URL failed.
#[cfg(feature = "lesson")]
pub(crate) fn print_outcomes<I>(
    cx: &Cx,
    fetch: impl FnOnce(Vec<String>, &Options) -> I,
) -> anyhow::Result<()>
where
    I: IntoIterator<Item = Outcome>,
{
    let (options, urls) = parse_args(cx.args())?;
    let demo = if urls.is_empty() {
        Some(Demo::start(cx)?)
    } else {
        None
    };
    let urls = demo.as_ref().map_or(urls, Demo::urls);
    let start = Instant::now();
    let mut failed = 0;
    // ANCHOR: print
    for outcome in fetch(urls, &options) {
        match outcome {
            Ok(fetched) => cx.say(fetched),
            Err(failure) => {
                failed += 1;
                cx.say(failure);
            }
        }
    }
    // ANCHOR_END: print
    let elapsed = start.elapsed();
    cx.say(format!("{:.2}s elapsed", elapsed.as_secs_f64()));
    if let Some(demo) = demo {
        cx.say(demo.compare(cx, elapsed));
    }
    if failed > 0 {
        Err(Exit::failed().into())
    } else {
        Ok(())
    }
}
