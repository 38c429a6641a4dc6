//! Every kind of bad URL and bad server, each answered with its own line while the run goes on.

use crate::concurrent::{Options, fetch_all};
use crate::faults::{Fault, FaultyServer};
use chanlab_common::Cx;
use std::net::TcpListener;
use std::time::Duration;

/// The bad URLs the step fetches, for a demo server at `demo` and a faulty one, and a port where
/// nothing listens.
///
/// The slow page takes twice `timeout`, so a fetch gives up on it first.
pub fn bad_urls(
    demo: &str,
    faulty: &FaultyServer,
    closed_port: u16,
    timeout: Duration,
) -> Vec<String> {
    let slow_ms = timeout.as_millis() * 2;
    // ANCHOR: bad_urls
    let mut urls = vec![
        "http://exa mple.com/".to_owned(), // not a URL: a space in the host
        "ftp://127.0.0.1/file".to_owned(), // a scheme we do not speak
        format!("http://127.0.0.1:{closed_port}/"), // nothing listens there
        "http://no-such-host.invalid/".to_owned(), // .invalid never resolves
        format!("{demo}/sleep?ms=not-a-number"), // the server answers 400
        format!("{demo}/sleep?ms={slow_ms}"), // slower than the timeout
    ];
    urls.extend(Fault::ALL.iter().map(|fault| faulty.url(*fault)));
    // ANCHOR_END: bad_urls
    urls
}

/// Fetches every bad URL at once with a short timeout and prints what each one did.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let demo = chanlab_server::Server::bind("127.0.0.1:0")?.spawn()?;
    let faulty = FaultyServer::start()?;
    let closed_port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port(); // closed again at once
    // A timeout long enough for a refused connection or a failed lookup to report themselves.
    let timeout = cx
        .scaled(Duration::from_secs(2))
        .max(Duration::from_millis(750));
    let urls = bad_urls(
        &format!("http://{}", demo.addr()),
        &faulty,
        closed_port,
        timeout,
    );
    let options = Options {
        timeout,
        concurrency: urls.len(),
    };
    cx.say(format!(
        "fetching {} bad URLs at once, timeout {timeout:.2?}",
        urls.len()
    ));
    let (mut ok, mut failed) = (0, 0);
    for outcome in &fetch_all(urls, &options) {
        match outcome {
            Ok(fetched) => {
                ok += 1;
                cx.say(fetched);
            }
            Err(failure) => {
                failed += 1;
                cx.say(failure);
            }
        }
    }
    cx.say(format!(
        "{failed} failed and {ok} succeeded, each with its own line; no URL stopped the run"
    ));
    Ok(())
}
