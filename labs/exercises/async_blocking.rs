//! Lab `async_blocking` (course section 5.10): a blocking call inside a task stalls every task on
//! its thread.
//!
//! `lookup_all` looks names up with `lookup`, a function from an old library that blocks its
//! thread until it has an answer (a synchronous DNS lookup, a read from a slow disk). A task only
//! lets go of its thread at an `.await`, so while `lookup` runs inside one, nothing else on that
//! thread runs: on a current-thread runtime, not even a heartbeat. Run the lookups off the
//! runtime's threads, all at once, and keep the answers in the order of `names`; it must work on
//! either kind of runtime. `main` prints a heartbeat beside the lookups: watch it stop.
//!
//! Check: `cargo xtask lab check async_blocking`. Experiment: `cargo xtask lab run
//! async_blocking`. The tests live in `labs/tests/async_blocking.rs`: read them, don't edit them.

use std::time::Duration;
use tokio::time::Instant;

/// Looks every name up with `lookup`, a blocking function, all at once and off the runtime's
/// threads, and returns the answers in the order of `names`. A lookup that panics panics here.
pub async fn lookup_all<F>(names: Vec<String>, lookup: F) -> Vec<String>
where
    F: Fn(&str) -> String + Send + Sync + 'static,
{
    // TODO: `lookup` blocks the thread this task runs on, one name after another. Give each call
    // to `tokio::task::spawn_blocking`, which runs it on a thread kept for blocking work (it
    // needs an owned name, and a `lookup` it can share: put it in an `Arc`). Start them all, then
    // await each `JoinHandle` in order.
    let mut answers = Vec::with_capacity(names.len());
    for name in names {
        answers.push(lookup(&name));
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
