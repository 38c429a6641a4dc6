//! The HTTP side: chanlab's fetchall against a local server, and chanlab's server for `wrk`.

use crate::{Error, Implementation, Setup, check_ops, checked, timed};
use chanlab_fetchall::concurrent::{Options, fetch_all};
use chanlab_server::Server;
use std::io::{Read, Write};
use std::time::Duration;

/// The rows of this group.
pub const IMPLEMENTATIONS: &[Implementation] = &[Implementation {
    case: "fetchall",
    label: "chanlab fetch_all",
    run: fetchall,
}];

/// Fetches in flight at once, in Rust and in Go: fetchall's default.
pub const CONCURRENCY: usize = 32;

/// The URLs of a fetchall run: `<target>/0`, `<target>/1`... (each an echo page).
pub fn urls(target: &str, n: u64) -> Vec<String> {
    let target = target.trim_end_matches('/');
    (0..n).map(|i| format!("{target}/{i}")).collect()
}

/// `ops` URLs of `setup.target` fetched by chanlab's `fetch_all`, [`CONCURRENCY`] at a time,
/// with a new connection pool per run as the fetchall binary has. One operation: one URL
/// fetched, its body read to the end.
pub fn fetchall(setup: &Setup) -> Result<f64, Error> {
    check_ops(setup.ops, 1, 10_000)?;
    let target = setup.target.as_deref().ok_or(Error::NoTarget)?;
    let urls = urls(target, setup.ops);
    let options = Options {
        timeout: Duration::from_secs(10),
        concurrency: CONCURRENCY,
    };
    let (ns_per_op, fetched) = timed(setup.ops, || -> Result<u64, Error> {
        let mut fetched = 0;
        for outcome in fetch_all(urls, &options) {
            let page = outcome.map_err(|failure| Error::Fetch(failure.to_string()))?;
            fetched += u64::from(page.status == 200 && page.bytes > 0);
        }
        Ok(fetched)
    });
    checked(ns_per_op, fetched?, setup.ops)
}

/// Serves chanlab's server (its lesson routes, default limits) on a free loopback port, writes
/// `http://<addr>` and a newline to `out`, and shuts it down, drained, once `until` ends (for
/// the bench binary, when stdin closes).
pub fn serve(mut until: impl Read, mut out: impl Write) -> Result<(), Error> {
    let running = Server::bind("127.0.0.1:0")?.spawn()?;
    writeln!(out, "http://{}", running.addr())
        .and_then(|()| out.flush())
        .map_err(Error::Output)?;
    let mut rest = Vec::new();
    let _ = until.read_to_end(&mut rest); // an error ends the wait as EOF does
    running.shutdown()?;
    Ok(())
}
