//! Lab `directions` (course section 5.3): functions that take only one end of a channel.
//!
//! Go writes `chan<- string` for a send-only channel and `<-chan string` for a receive-only one.
//! Rust's channel comes in two halves: a function given a `Sender` can only send, a function given
//! a `Receiver` can only receive, and the compiler enforces it. `produce` is done; write `shout`
//! and `consume`.
//!
//! Check: `cargo xtask lab check directions`. Experiment: `cargo xtask lab run directions`.
//! The tests live in `labs/tests/directions.rs`: read them, don't edit them.

use crossbeam::channel::{Receiver, Sender, bounded};
use std::thread;

/// Sends each word, then returns, which drops `out` and so closes the channel.
pub fn produce(words: &[&str], out: Sender<String>) {
    for word in words {
        if out.send(word.to_string()).is_err() {
            return; // nobody is listening any more
        }
    }
}

/// Passes on every word from `input` in upper case, until `input` closes; `out` closes after.
pub fn shout(input: Receiver<String>, out: Sender<String>) {
    // TODO: this passes on one word, as it is, and stops. Pass on every word, in upper case, until
    // `input` closes (`for word in input` stops then). Stop early if `out` fails: nobody listens.
    if let Ok(word) = input.recv() {
        let _ = out.send(word);
    }
}

/// Collects every word from `input` until the channel closes.
pub fn consume(input: Receiver<String>) -> Vec<String> {
    // TODO: `try_iter` takes only the words already waiting, and stops at the first gap. Collect
    // every word, waiting for each, until the channel closes.
    input.try_iter().collect()
}

/// Runs `produce → shout → consume`, the first two on threads of their own.
pub fn run(words: &[&str]) -> Vec<String> {
    let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let (words_out, words_in) = bounded(0);
    let (loud_out, loud_in) = bounded(0);
    let producer = thread::spawn(move || {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        produce(&words, words_out);
    });
    let shouter = thread::spawn(move || shout(words_in, loud_out));
    let loud = consume(loud_in);
    producer.join().expect("produce panicked");
    shouter.join().expect("shout panicked");
    loud
}

fn main() {
    println!("{:?}", run(&["share", "memory", "by", "communicating"]));
}
