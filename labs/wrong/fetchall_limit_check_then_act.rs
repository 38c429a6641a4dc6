// Mistake: check-then-act. A thread per URL waits until an in-flight counter is below the limit, then increments it in a second step.

use crossbeam::channel::unbounded;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use ureq::Agent;

/// What fetching one URL gave.
#[derive(Debug)]
pub struct Fetched {
    /// The URL, as given.
    pub url: String,
    /// The size of the body in bytes, or why the fetch failed.
    pub result: Result<u64, String>,
}

/// Fetches `url` and counts the bytes of its body as they stream in, without keeping them.
pub fn fetch(agent: &Agent, url: &str) -> Fetched {
    let result = agent
        .get(url)
        .call()
        .map_err(|e| e.to_string())
        .and_then(|mut response| {
            let mut body = response.body_mut().as_reader();
            io::copy(&mut body, &mut io::sink()).map_err(|e| format!("while reading: {e}"))
        });
    Fetched {
        url: url.to_string(),
        result,
    }
}

/// Fetches every URL, at most `limit` at a time, and returns the results in the order they finish.
///
/// Panics if `limit` is 0: nothing would ever be fetched.
pub fn fetch_all(urls: &[String], limit: usize) -> Vec<Fetched> {
    assert!(limit > 0, "a limit of 0 would never fetch anything");
    let agent: Agent = Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let (tx, rx) = unbounded();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = urls
        .iter()
        .map(|url| {
            let (tx, agent, url, in_flight) =
                (tx.clone(), agent.clone(), url.clone(), in_flight.clone());
            thread::spawn(move || {
                while in_flight.load(Ordering::SeqCst) >= limit {
                    thread::sleep(Duration::from_millis(1));
                }
                in_flight.fetch_add(1, Ordering::SeqCst);
                let fetched = fetch(&agent, &url);
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = tx.send(fetched);
            })
        })
        .collect();
    drop(tx);
    let results = rx.iter().collect();
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    results
}

fn main() {
    // Start a server first, for instance `cargo xtask run server` (port 8000) if your course has it.
    let urls: Vec<String> = (0..6)
        .map(|i| format!("http://127.0.0.1:8000/page{i}"))
        .collect();
    let start = Instant::now();
    for fetched in fetch_all(&urls, 2) {
        match fetched.result {
            Ok(bytes) => println!(
                "{:.2}s {bytes:>7} {}",
                start.elapsed().as_secs_f64(),
                fetched.url
            ),
            Err(error) => println!("{}: {error}", fetched.url),
        }
    }
    println!("{:.2}s elapsed", start.elapsed().as_secs_f64());
}
