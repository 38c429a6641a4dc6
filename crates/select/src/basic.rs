//! `select!` waits on several channels and takes whichever is ready first (section 5.5).

use chanlab_common::Cx;
use crossbeam_channel::{bounded, select};
use std::thread;
use std::time::{Duration, Instant};

/// Two producers, after 2 s and 1 s; one loop selects over both and receives each as it comes,
/// so the whole takes as long as the slower one, not the sum.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let start = Instant::now();
    // ANCHOR: basic
    let (tx1, rx1) = bounded(0);
    let (tx2, rx2) = bounded(0);
    thread::scope(|s| -> anyhow::Result<()> {
        // Named threads, with a lane each in `--timeline`. They borrow the senders, so neither
        // channel closes inside the loop: a closed channel is ready in every select (see `nil`).
        thread::Builder::new()
            .name("ch1 sender".into())
            .spawn_scoped(s, || {
                cx.say("sleeping 2s before sending on ch1");
                cx.sleep(Duration::from_secs(2));
                cx.say("sending on ch1");
                tx1.send("message from ch1")
            })?;
        thread::Builder::new()
            .name("ch2 sender".into())
            .spawn_scoped(s, || {
                cx.say("sleeping 1s before sending on ch2");
                cx.sleep(Duration::from_secs(1));
                cx.say("sending on ch2");
                tx2.send("message from ch2")
            })?;
        let report = |msg: &str| {
            let at = cx.lesson_elapsed().as_secs_f64();
            cx.say(format!("Received: {msg} (at {at:.1}s)"));
        };
        for _ in 0..2 {
            select! {
                recv(rx1) -> msg => report(msg?),
                recv(rx2) -> msg => report(msg?),
            }
        }
        Ok(())
    })?;
    // ANCHOR_END: basic
    let took = cx.unscaled(start.elapsed()).as_secs_f64();
    cx.say(format!(
        "both received in {took:.1}s: the slower producer's 2s, not 1s + 2s"
    ));
    Ok(())
}
