//! Waiting for a thread by channel: a "done" signal, and N results for N workers (section 5.2, 5.3).

use chanlab_common::Cx;
use crossbeam_channel::bounded;
use std::thread;
use std::time::{Duration, Instant};

/// One worker signals done; then three workers report results and `main` receives exactly three.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: done
    let (done_tx, done_rx) = bounded::<()>(1);
    let worker = thread::Builder::new().name("worker".into()).spawn({
        let cx = cx.clone();
        move || {
            cx.say("working...");
            cx.sleep(Duration::from_secs(1));
            cx.say("done");
            done_tx.send(()).expect("main waits for the signal");
        }
    })?;
    done_rx.recv()?; // block until the worker says it is done
    // ANCHOR_END: done
    worker.join().expect("the worker finished cleanly");
    cx.say("main: the worker signalled done");

    // ANCHOR: collect
    let (results_tx, results_rx) = bounded::<String>(0);
    let delays = [3, 1, 2];
    let start = Instant::now();
    thread::scope(|s| {
        for (id, secs) in delays.into_iter().enumerate() {
            let results_tx = results_tx.clone();
            s.spawn(move || {
                let work = Duration::from_secs(secs);
                cx.sleep(work);
                let _ = results_tx.send(format!("worker {id} took {}", cx.secs(work)));
            });
        }
        // As fetchall does: one receive per worker, in the order they finish.
        for _ in &delays {
            cx.say(format!(
                "main: {}",
                results_rx.recv().expect("one result per worker")
            ));
        }
    });
    // ANCHOR_END: collect
    let took = cx.secs_taken(start.elapsed());
    cx.say(format!(
        "all three in {took:.1}: the slowest worker's time, not the sum of all three"
    ));
    Ok(())
}
