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
                let delay = Duration::from_secs(2);
                cx.say(format!("sleeping {} before sending on ch1", cx.secs(delay)));
                cx.sleep(delay);
                cx.say("sending on ch1");
                tx1.send("message from ch1")
            })?;
        thread::Builder::new()
            .name("ch2 sender".into())
            .spawn_scoped(s, || {
                let delay = Duration::from_secs(1);
                cx.say(format!("sleeping {} before sending on ch2", cx.secs(delay)));
                cx.sleep(delay);
                cx.say("sending on ch2");
                tx2.send("message from ch2")
            })?;
        let report = |msg: &str| {
            cx.say(format!("Received: {msg} at {:.1}", cx.secs_since_start()));
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
    let took = cx.secs_taken(start.elapsed());
    cx.say(format!(
        "both received in {took:.1}: the slower producer's time, not the sum of both"
    ));
    Ok(())
}
