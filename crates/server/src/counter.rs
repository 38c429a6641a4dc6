//! Step `counter`: every request to `/` counts once, behind a mutex, however many threads serve
//! them at once; `/count` tells the total (section 5.6).

#[cfg(feature = "lesson")]
use {crate::Server, anyhow::Context, chanlab_common::Cx, std::thread};

/// The count every connection's thread shares: the sync lesson's mutex counter, whose lock is
/// held for the increment only, never while answering, so a slow client cannot hold up others.
pub use chanlab_sync::mutex::Counter;

/// Client threads in the step, and requests each makes; `counter THREADS REQUESTS` changes them.
pub const THREADS: usize = 50;
/// Requests each client thread makes.
pub const REQUESTS: usize = 20;

/// Starts a server on a free port, has many threads hit `/` at once, and checks `/count`.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let (threads, requests) = match cx.args() {
        [] => (THREADS, REQUESTS),
        [t, r] => match (t.parse(), r.parse()) {
            (Ok(t @ 1..=500), Ok(r @ 1..=10_000)) => (t, r),
            _ => return Err(usage()),
        },
        _ => return Err(usage()),
    };
    let server = Server::bind("127.0.0.1:0")?.spawn()?;
    let start = std::time::Instant::now();
    // ANCHOR: clients
    thread::scope(|s| -> anyhow::Result<()> {
        let clients: Vec<_> = (0..threads)
            .map(|i| {
                let url = server.url(&format!("/client/{i}"));
                s.spawn(move || -> anyhow::Result<()> {
                    let agent = ureq::Agent::new_with_defaults(); // one kept-alive connection each
                    for _ in 0..requests {
                        agent
                            .get(&url)
                            .call()
                            .with_context(|| format!("GET {url}"))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for client in clients {
            client.join().expect("client thread")?;
        }
        Ok(())
    })?;
    // ANCHOR_END: clients
    let elapsed = start.elapsed();
    let count = ureq::get(&server.url("/count"))
        .call()?
        .body_mut()
        .read_to_string()?;
    server.shutdown()?;
    cx.say(format!(
        "{threads} threads sent {} requests to / in {:.2}s",
        threads * requests,
        elapsed.as_secs_f64()
    ));
    cx.say(format!("/count says: {}", count.trim_end()));
    let expected = format!("Count {}", threads * requests);
    anyhow::ensure!(
        count.trim_end() == expected,
        "expected {expected}: an increment was lost"
    );
    cx.say("no increment lost: the mutex makes each count++ whole");
    Ok(())
}

#[cfg(feature = "lesson")]
fn usage() -> anyhow::Error {
    chanlab_common::Exit::usage(
        "counter takes no arguments, or THREADS (1-500) and REQUESTS (1-10000)",
    )
    .into()
}
