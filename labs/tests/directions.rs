//! Tests of the `directions` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/directions.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/directions.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, within};
use crossbeam::channel::{Receiver, Sender, bounded, unbounded};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(2);

// Each function takes only the end of a channel it needs: these lines compile only if so.
const _: fn(&[&str], Sender<String>) = lab::produce;
const _: fn(Receiver<String>, Sender<String>) = lab::shout;
const _: fn(Receiver<String>) -> Vec<String> = lab::consume;

/// A receiver that gets `words` one by one, 20 ms apart, then closes.
fn slowly(words: &'static [&'static str]) -> Receiver<String> {
    let (tx, rx) = bounded(0);
    thread::spawn(move || {
        for word in words {
            thread::sleep(Duration::from_millis(20));
            if tx.send(word.to_string()).is_err() {
                return; // the code under test stopped listening: the test will say so
            }
        }
    });
    rx
}

#[test]
fn shout_passes_on_every_word_in_upper_case_then_closes() {
    let loud = within(DEADLINE, || {
        let (out, loud) = unbounded();
        lab::shout(slowly(&["go", "rust", "select"]), out);
        // `shout` has returned, so `out` is gone: the channel is closed and this ends.
        loud.iter().collect::<Vec<_>>()
    });
    assert_eq!(loud, ["GO", "RUST", "SELECT"]);
}

#[test]
fn consume_waits_for_every_word_until_the_channel_closes() {
    let words = within(DEADLINE, || lab::consume(slowly(&["one", "two", "three"])));
    assert_eq!(words, ["one", "two", "three"]);
}

#[test]
fn the_pipeline_ends_and_leaves_no_thread() {
    let loud = no_threads_left(DEADLINE, || {
        lab::run(&["share", "memory", "by", "communicating"])
    });
    assert_eq!(loud, ["SHARE", "MEMORY", "BY", "COMMUNICATING"]);
    assert!(within(DEADLINE, || lab::run(&[])).is_empty());
}

#[test]
fn shout_stops_when_nobody_listens() {
    no_threads_left(DEADLINE, || {
        let (words_out, words_in) = unbounded();
        for word in ["a", "b", "c"] {
            words_out
                .send(word.to_string())
                .expect("the receiver is here");
        }
        let (out, loud) = bounded(0);
        drop(loud);
        // The input never closes: only a failed send can end `shout`.
        lab::shout(words_in, out);
    });
}
