//! An unbuffered channel is a rendezvous: a send waits for a receiver (section 5.3).

use chanlab_common::Cx;
use crossbeam_channel::bounded;
use std::thread;
use std::time::{Duration, Instant};

/// Bounces a counter between two threads over two unbuffered channels `rounds` times and returns
/// the mean round trip: every hop is a hand-off from one thread to the other.
///
/// ```
/// let round_trip = chanlab_channels::unbuffered::ping_pong(100);
/// assert!(round_trip > std::time::Duration::ZERO);
/// ```
pub fn ping_pong(rounds: u32) -> Duration {
    // ANCHOR: ping_pong
    let (ping_tx, ping_rx) = bounded::<u32>(0);
    let (pong_tx, pong_rx) = bounded::<u32>(0);
    let start = Instant::now();
    thread::scope(|s| {
        s.spawn(move || {
            // Echo every ball back, one more than received, until the pinger hangs up.
            for ball in ping_rx {
                if pong_tx.send(ball + 1).is_err() {
                    break;
                }
            }
        });
        let mut ball = 0;
        for _ in 0..rounds {
            ping_tx.send(ball).expect("the ponger is alive");
            ball = pong_rx.recv().expect("the ponger answers");
        }
        assert_eq!(ball, rounds, "every hop counted once");
        drop(ping_tx); // hang up: the ponger's loop ends
    });
    // ANCHOR_END: ping_pong
    start.elapsed() / rounds.max(1)
}

/// A sender that arrives first waits for the receiver; then a ping-pong to time the hand-off.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: rendezvous
    let (tx, rx) = bounded::<&str>(0); // Go: make(chan string)
    thread::scope(|s| -> std::io::Result<()> {
        thread::Builder::new()
            .name("sender".into()) // its own lane in --timeline
            .spawn_scoped(s, || {
                cx.say("sender: sending \"ping\" (nobody is receiving yet)");
                tx.send("ping").expect("the receiver is alive");
                let waited = cx.secs_since_start();
                cx.say(format!(
                    "sender: send returned after {waited:.1}, once the receiver took it"
                ));
            })?;
        let second = Duration::from_secs(1);
        cx.sleep(second);
        cx.say(format!("receiver: ready after {}", cx.secs(second)));
        let msg = rx.recv().expect("the sender sends once");
        cx.say(format!("receiver: got {msg:?}"));
        Ok(())
    })?;
    // ANCHOR_END: rendezvous

    let rounds = 10_000;
    let round_trip = ping_pong(rounds);
    cx.say(format!(
        "ping-pong: {rounds} round trips, {round_trip:.1?} each (two hand-offs between threads)"
    ));
    Ok(())
}
