// Mistake: lock-step batches. It fetches `limit` URLs at once and waits for the whole batch before starting the next.

use std::io;
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
    let mut results = Vec::with_capacity(urls.len());
    for batch in urls.chunks(limit) {
        let running: Vec<_> = batch
            .iter()
            .map(|url| {
                let (agent, url) = (agent.clone(), url.clone());
                thread::spawn(move || fetch(&agent, &url))
            })
            .collect();
        for fetch in running {
            results.push(fetch.join().expect("a fetch panicked"));
        }
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
