// Mistake: a fixed cut-off. A player waits at most 100 ms for the ball, then leaves as if the other had gone.

use crossbeam::channel::{Receiver, Sender, bounded};
use std::thread;
use std::time::Duration;

/// The ball: who hit it, in order.
#[derive(Debug, Default)]
pub struct Ball {
    /// The name of each player who hit it, first hit first.
    pub hits: Vec<&'static str>,
}

/// The channel a ball travels on from one player to the other.
pub fn table() -> (Sender<Ball>, Receiver<Ball>) {
    bounded(0)
}

/// One player: takes the ball from `from`, hits it, and passes it on `to`.
///
/// The player who makes hit number `last_hit` keeps the ball and returns it, which ends the rally:
/// leaving drops `to`, so the other player's `from` closes and that player returns `None`.
pub fn player(
    name: &'static str,
    from: Receiver<Ball>,
    to: Sender<Ball>,
    last_hit: usize,
) -> Option<Ball> {
    loop {
        // The other player answers at once: a ball that takes longer is not coming.
        let mut ball = from.recv_timeout(Duration::from_millis(100)).ok()?;
        ball.hits.push(name);
        if ball.hits.len() == last_hit {
            return Some(ball);
        }
        to.send(ball).ok()?;
    }
}

/// Plays a rally of `hits` hits, "ping" serving, and returns the ball; `None` if the rally broke
/// off before the last hit.
pub fn play(hits: usize) -> Option<Ball> {
    let (to_ping, ping_from) = table();
    let (to_pong, pong_from) = table();
    let serve = to_ping.clone();
    let ping = thread::spawn(move || player("ping", ping_from, to_pong, hits));
    let pong = thread::spawn(move || player("pong", pong_from, to_ping, hits));
    // If ping has already gone home, there is nobody to serve to.
    serve.send(Ball::default()).ok()?;
    drop(serve);
    let ping = ping.join().expect("ping panicked");
    let pong = pong.join().expect("pong panicked");
    ping.or(pong)
}

fn main() {
    match play(6) {
        Some(ball) => println!("{}", ball.hits.join(" → ")),
        None => println!("the rally broke off"),
    }
}
