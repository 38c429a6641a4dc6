//! fetchall against a misbehaving server — stalls, cuts, resets, lying lengths, endless bodies
//! and headers, slow drips, redirect loops, bytes that are not HTTP — with good URLs among them:
//! every URL ends with its own line within the timeout, and none holds up the run.

use chanlab_common::testing::no_threads_left;
use chanlab_fetchall::concurrent::{Options, Outcome, fetch_all};
use chanlab_fetchall::faults::{Fault, FaultyServer};
use chanlab_fetchall::fetch::FetchError;
use chanlab_hardening::{Figures, Scale};
use chanlab_server::Server;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(120);

/// Each fetch's timeout.
const TIMEOUT: Duration = Duration::from_secs(2);

/// How long after the timeout a line may come: the fetch threads start one after another, and
/// on a loaded machine the last of 250 may start a second or more after the first.
const GRACE: Duration = Duration::from_secs(3);

/// Whether `error` is the failure `fault` causes. A fault that acts at once (a cut, a redirect,
/// bytes that are not HTTP) can still end in a timeout when its server thread waits for a core
/// longer than the timeout; so the test asks for its own error in at least one copy, and for
/// every copy, its own error or a timeout.
fn expected(fault: Fault, error: &FetchError) -> bool {
    match fault {
        Fault::CutBody => matches!(error, FetchError::Cut { bytes: 1000, .. }),
        // The reset may destroy bytes the client had not read yet.
        Fault::ResetMidBody => matches!(error, FetchError::Cut { bytes, .. } if *bytes <= 1000),
        Fault::Stall | Fault::EndlessBody | Fault::SlowDrip | Fault::LyingLength => {
            matches!(error, FetchError::Timeout(t) if *t == TIMEOUT)
        }
        Fault::RedirectLoop => matches!(error, FetchError::TooManyRedirects),
        Fault::EndlessHeaders | Fault::NotHttp => matches!(error, FetchError::Other(_)),
    }
}

/// The first word of the error's kind, for the figures.
fn kind(outcome: &Outcome) -> String {
    match outcome {
        Ok(fetched) => format!("ok {}", fetched.status),
        Err(failure) => format!("{:?}", failure.error)
            .split(['(', ' ', '{'])
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

#[test]
fn every_url_of_a_faulty_server_ends_with_its_line_within_the_timeout() {
    let scale = Scale::from_env();
    let copies = scale.pick(4, 25);
    no_threads_left(DEADLINE, move || {
        let faulty = FaultyServer::start().unwrap();
        let good = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let good_url = good.url("/fine");
        let mut urls = Vec::new();
        for _ in 0..copies {
            urls.extend(Fault::ALL.iter().map(|f| faulty.url(*f)));
            urls.push(good_url.clone());
        }
        let options = Options {
            timeout: TIMEOUT,
            concurrency: urls.len(),
        };
        let start = Instant::now();
        let outcomes: Vec<(Duration, Outcome)> = fetch_all(urls.clone(), &options)
            .iter()
            .map(|outcome| (start.elapsed(), outcome))
            .collect();
        let elapsed = start.elapsed();
        drop(faulty);
        good.shutdown().unwrap();

        // Per URL: what ended it, how many times, and the latest line.
        let mut seen: BTreeMap<String, (BTreeMap<String, usize>, Duration)> = BTreeMap::new();
        let mut wrong = Vec::new();
        let mut shown = BTreeSet::new();
        for (at, outcome) in &outcomes {
            let url = match outcome {
                Ok(fetched) => &fetched.url,
                Err(failure) => &failure.url,
            };
            let fault = Fault::ALL.into_iter().find(|f| url.ends_with(f.path()));
            let right = match (fault, outcome) {
                (Some(fault), Err(failure)) => {
                    let own = expected(fault, &failure.error);
                    if own {
                        shown.insert(fault.path());
                    }
                    own || matches!(failure.error, FetchError::Timeout(t) if t == TIMEOUT)
                }
                (None, Ok(fetched)) => *url == good_url && fetched.status == 200,
                _ => false,
            };
            if !right {
                wrong.push(format!("{outcome:?}"));
            }
            let entry = seen.entry(url.clone()).or_default();
            *entry.0.entry(kind(outcome)).or_default() += 1;
            entry.1 = entry.1.max(*at);
        }
        let latest = outcomes.iter().map(|(at, _)| *at).max().unwrap_or_default();

        let mut figures = Figures::new(format!(
            "faults: {} URLs ({copies} of each fault, and a good one), timeout {TIMEOUT:?}",
            urls.len()
        ));
        for (url, (kinds, at)) in &seen {
            let path = url.rsplit('/').next().unwrap_or_default();
            let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
            figures.add(
                format!("/{path}"),
                format!("{} (last after {at:.2?})", kinds.join(", ")),
            );
        }
        figures
            .add(
                "lines",
                format!("{} for {} URLs", outcomes.len(), urls.len()),
            )
            .add("wrong outcomes", wrong.len())
            .add("whole run", format!("{elapsed:.2?}"));
        figures.print();

        assert_eq!(outcomes.len(), urls.len(), "a line per URL:\n{figures}");
        assert!(wrong.is_empty(), "{}\n{figures}", wrong.join("\n"));
        for fault in Fault::ALL {
            assert!(
                shown.contains(fault.path()),
                "{fault:?} never caused its own error:\n{figures}"
            );
        }
        assert!(
            latest <= TIMEOUT + GRACE,
            "a URL held up the run:\n{figures}"
        );
    });
}
