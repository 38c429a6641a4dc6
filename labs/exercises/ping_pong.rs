//! Lab `ping_pong` (course section 5.3): two players hit one ball back and forth over unbuffered
//! channels.
//!
//! An unbuffered channel (`bounded(0)`) is a rendezvous: a send waits until the other side receives.
//! Two things to do: make `table` unbuffered, and make `player` keep playing until the rally ends.
//!
//! Check: `cargo xtask lab check ping_pong`. Experiment: `cargo xtask lab run ping_pong`.
//! The tests live in `labs/tests/ping_pong.rs`: read them, don't edit them.

use crossbeam::channel::{Receiver, Sender, bounded};
use std::thread;

/// The ball: who hit it, in order.
#[derive(Debug, Default)]
pub struct Ball {
    /// The name of each player who hit it, first hit first.
    pub hits: Vec<&'static str>,
}

/// The channel a ball travels on from one player to the other.
pub fn table() -> (Sender<Ball>, Receiver<Ball>) {
    // TODO: a ball must never wait on the table: make this channel unbuffered (capacity 0), so that
    // a send returns only once the other player has taken the ball.
    bounded(1)
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
    // TODO: this player hits the ball once and goes home. Keep playing: loop, and return `None`
    // when `from` closes (`recv` fails) or when the ball can't be passed on (`send` fails).
    let mut ball = from.recv().ok()?;
    ball.hits.push(name);
    if ball.hits.len() == last_hit {
        return Some(ball);
    }
    to.send(ball).ok()?;
    None
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
