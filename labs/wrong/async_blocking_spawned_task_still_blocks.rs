// Mistake: each lookup in a task of its own with `tokio::spawn`: the task still blocks a runtime thread, the only one on a current-thread runtime.

use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Looks every name up with `lookup`, a blocking function, all at once and off the runtime's
/// threads, and returns the answers in the order of `names`. A lookup that panics panics here.
pub async fn lookup_all<F>(names: Vec<String>, lookup: F) -> Vec<String>
where
    F: Fn(&str) -> String + Send + Sync + 'static,
{
    let lookup = Arc::new(lookup);
    // Each in a task of its own, all started before any is awaited.
    let lookups: Vec<_> = names
        .into_iter()
        .map(|name| {
            let lookup = lookup.clone();
            tokio::spawn(async move { lookup(&name) })
        })
        .collect();
    let mut answers = Vec::with_capacity(lookups.len());
    for looked_up in lookups {
        match looked_up.await {
            Ok(answer) => answers.push(answer),
            Err(failed) => std::panic::resume_unwind(failed.into_panic()),
        }
    }
    answers
}

/// A lookup in an old library: it blocks its thread for 300 ms.
fn slow_lookup(name: &str) -> String {
    std::thread::sleep(Duration::from_millis(300));
    format!("{name} = 10.0.0.{}", name.len())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let start = Instant::now();
        let heartbeat = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(Duration::from_millis(100));
            loop {
                ticks.tick().await;
                println!("heartbeat at {:.2}s", start.elapsed().as_secs_f64());
            }
        });
        let names = ["alpha", "beta", "gamma", "delta"]
            .map(String::from)
            .to_vec();
        for answer in lookup_all(names, slow_lookup).await {
            println!("{answer}");
        }
        println!("looked up in {:.2}s", start.elapsed().as_secs_f64());
        heartbeat.abort();
    });
}
