//! Lab `heartbeat` (course section 5.5), reference solution: a ticker that runs until a `done`
//! channel closes.

use crossbeam::channel::{Receiver, Sender, bounded, select, tick, unbounded};
use std::thread;
use std::time::Duration;

/// Sends beat 1, 2, 3, … on `beats`, one per `period`, until `done` closes or nobody listens to
/// `beats`; returns how many beats it sent.
pub fn heartbeat(period: Duration, beats: Sender<u64>, done: Receiver<()>) -> u64 {
    let ticker = tick(period);
    let mut sent = 0;
    loop {
        select! {
            // A value or a close: either way, stop (nobody sends on `done`; it only closes).
            recv(done) -> _ => return sent,
            recv(ticker) -> _ => sent += 1,
        }
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
