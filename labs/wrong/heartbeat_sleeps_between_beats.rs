// Mistake: it sleeps a whole period between beats and looks at done only after each, so it stops late.

use crossbeam::channel::{Receiver, Sender, TryRecvError, bounded, unbounded};
use std::thread;
use std::time::Duration;

/// Sends beat 1, 2, 3, … on `beats`, one per `period`, until `done` closes or nobody listens to
/// `beats`; returns how many beats it sent.
pub fn heartbeat(period: Duration, beats: Sender<u64>, done: Receiver<()>) -> u64 {
    let mut sent = 0;
    loop {
        thread::sleep(period);
        if !matches!(done.try_recv(), Err(TryRecvError::Empty)) {
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
