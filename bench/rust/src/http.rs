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

/// The servers `chanlab-bench serve` can run: the server lesson's, a thread per connection, and
/// the tasks lesson's, a task per connection on either runtime flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Served {
    /// chanlab-server with its default limits.
    Threads,
    /// chanlab-tasks' server on a current-thread runtime.
    TasksCurrentThread,
    /// chanlab-tasks' server on a multi-thread runtime of two workers (one per core here, as
    /// Go's `GOMAXPROCS`).
    TasksMultiThread,
}

impl Served {
    /// Every server, by the name `serve` takes.
    pub const ALL: [(&'static str, Served); 3] = [
        ("threads", Served::Threads),
        ("tasks-current-thread", Served::TasksCurrentThread),
        ("tasks-multi-thread", Served::TasksMultiThread),
    ];

    /// The server called `name`, if any.
    pub fn named(name: &str) -> Option<Served> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }
}

/// Serves `served` (its lesson routes, default limits) on a free loopback port, writes
/// `http://<addr>` and a newline to `out`, and shuts it down, drained, once `until` ends (for
/// the bench binary, when stdin closes).
pub fn serve(served: Served, mut until: impl Read, mut out: impl Write) -> Result<(), Error> {
    use chanlab_tasks::serve::{self as tasks, Flavor};
    let addr = "127.0.0.1:0";
    let tasks_on = |flavor| tasks::spawn(addr, tasks::config(), flavor);
    let running = match served {
        Served::Threads => Running::Threads(Server::bind(addr)?.spawn()?),
        Served::TasksCurrentThread => Running::Tasks(tasks_on(Flavor::CurrentThread)?),
        Served::TasksMultiThread => Running::Tasks(tasks_on(Flavor::MultiThread(2))?),
    };
    let addr = match &running {
        Running::Threads(r) => r.addr(),
        Running::Tasks(r) => r.addr(),
    };
    writeln!(out, "http://{addr}")
        .and_then(|()| out.flush())
        .map_err(Error::Output)?;
    let mut rest = Vec::new();
    let _ = until.read_to_end(&mut rest); // an error ends the wait as EOF does
    match running {
        Running::Threads(r) => r.shutdown()?,
        Running::Tasks(r) => r.shutdown(),
    }
    Ok(())
}

/// A server of either lesson, serving.
enum Running {
    Threads(chanlab_server::Running),
    Tasks(chanlab_tasks::serve::Running),
}
