//! Lab `heartbeat` (course section 5.5): a ticker that runs until a `done` channel closes.
//!
//! `done` is the usual way to tell a thread to stop: nobody ever sends on it, its owner just drops
//! the `Sender`, which closes it. A receive on a closed channel does not give a value, it gives an
//! error — at once, every time. `heartbeat` below checks `done` the wrong way and never stops.
//!
//! Check: `cargo xtask lab check heartbeat`. Experiment: `cargo xtask lab run heartbeat`.
//! The tests live in `labs/tests/heartbeat.rs`: read them, don't edit them.

use crossbeam::channel::{Receiver, Sender, bounded, tick, unbounded};
use std::thread;
use std::time::Duration;

/// Sends beat 1, 2, 3, … on `beats`, one per `period`, until `done` closes or nobody listens to
/// `beats`; returns how many beats it sent.
pub fn heartbeat(period: Duration, beats: Sender<u64>, done: Receiver<()>) -> u64 {
    let ticker = tick(period);
    let mut sent = 0;
    loop {
        // TODO: two mistakes. `done` never carries a value (it closes), so `try_recv().is_ok()` is
        // never true. And between ticks nobody looks at `done` at all, so even a right check would
        // answer late. Wait for a tick *or* `done` with `select!`, and stop when `done` fires.
        ticker.recv().expect("a ticker never closes");
        if done.try_recv().is_ok() {
            return sent;
        }
        sent += 1;
        if beats.send(sent).is_err() {
            return sent;
        }
    }
}

fn main() {
    let (done_tx, done) = bounded(0);
    let (beats_tx, beats) = unbounded();
    let beating = thread::spawn(move || heartbeat(Duration::from_millis(100), beats_tx, done));
    thread::sleep(Duration::from_millis(450));
    drop(done_tx); // close `done`: time to stop
    for beat in beats {
        println!("beat {beat}");
    }
    println!("{} beats", beating.join().expect("heartbeat panicked"));
}
