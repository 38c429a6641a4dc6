//! A ticker fires at every interval until dropped; a closed "done" channel stops the loop (section 5.5).

use chanlab_common::Cx;
use crossbeam_channel::{bounded, select, tick};
use std::thread;
use std::time::Duration;

/// Ticks every second; after 3.5 s another thread closes `done`, and the loop ends after 3 ticks.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: ticker
    let ticker = tick(cx.scaled(Duration::from_secs(1))); // Go: time.NewTicker(time.Second)
    let (done_tx, done) = bounded::<()>(0);
    let mut ticks = 0;
    thread::scope(|s| {
        s.spawn(move || {
            cx.sleep(Duration::from_millis(3500));
            drop(done_tx); // close(done): every receiver of `done` wakes at once
        });
        loop {
            select! {
                recv(done) -> _ => break,
                recv(ticker) -> _ => {
                    ticks += 1;
                    cx.say(format!("Tick {ticks} at {:.1}", cx.secs_since_start()));
                }
            }
        }
    });
    drop(ticker); // Go: ticker.Stop(); nothing keeps ticking in the background
    // ANCHOR_END: ticker
    cx.say(format!("Ticker stopped after {ticks} ticks"));
    Ok(())
}
