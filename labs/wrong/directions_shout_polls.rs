// Mistake: busy-waiting. shout polls its input with try_recv in a loop instead of blocking on it.

use crossbeam::channel::{Receiver, Sender, TryRecvError, bounded};
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
    loop {
        match input.try_recv() {
            Ok(word) => {
                if out.send(word.to_uppercase()).is_err() {
                    return;
                }
            }
            Err(TryRecvError::Empty) => thread::yield_now(),
            Err(TryRecvError::Disconnected) => return,
        }
    }
}

/// Collects every word from `input` until the channel closes.
pub fn consume(input: Receiver<String>) -> Vec<String> {
    input.into_iter().collect()
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
