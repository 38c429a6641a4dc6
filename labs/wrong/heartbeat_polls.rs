// Mistake: busy-waiting. It polls done and the ticker with try_recv in a loop instead of waiting in a select!.

use crossbeam::channel::{Receiver, Sender, TryRecvError, bounded, tick, unbounded};
use std::thread;
use std::time::Duration;

/// Sends beat 1, 2, 3, … on `beats`, one per `period`, until `done` closes or nobody listens to
/// `beats`; returns how many beats it sent.
pub fn heartbeat(period: Duration, beats: Sender<u64>, done: Receiver<()>) -> u64 {
    let ticker = tick(period);
    let mut sent = 0;
    loop {
        if !matches!(done.try_recv(), Err(TryRecvError::Empty)) {
            return sent;
        }
        if ticker.try_recv().is_ok() {
            sent += 1;
            if beats.send(sent).is_err() {
                return sent;
            }
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
