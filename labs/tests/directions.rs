//! Tests of the `directions` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/directions.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/directions.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, feed, no_threads_left, timed, within};
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
    spaced(words, Duration::from_millis(20))
}

/// A receiver that gets `words` one by one, `gap` apart, then closes.
fn spaced(words: &'static [&'static str], gap: Duration) -> Receiver<String> {
    let (tx, rx) = bounded(0);
    thread::spawn(move || {
        for word in words {
            thread::sleep(gap);
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

/// A consumer that takes two words, then goes away (dropping its receiver).
fn two_then_gone(input: Receiver<String>) -> thread::JoinHandle<Vec<String>> {
    thread::spawn(move || input.iter().take(2).collect())
}

#[test]
fn produce_stops_sending_once_nobody_listens() {
    let (took, got) = within(DEADLINE, || {
        // Many long words: sending them all, to nobody, takes a while.
        let long = "word ".repeat(16 * 1024);
        let words: Vec<&str> = vec![long.as_str(); 200_000];
        let (out, input) = bounded(0);
        let consumer = two_then_gone(input);
        let took = timed(|| lab::produce(&words, out)).1;
        (took, consumer.join().expect("the consumer does not panic"))
    });
    assert_eq!(got.len(), 2);
    assert!(
        took < Duration::from_millis(250),
        "produce took {took:?} to return after its consumer took 2 words and left: it went on \
         sending to nobody. A failed send means nobody listens: return"
    );
}

#[test]
fn shout_stops_taking_words_once_nobody_listens() {
    let (taken, got) = within(DEADLINE, || {
        let (input, fed) = feed((0..100_000).map(|i| format!("word{i}")));
        let (out, loud) = bounded(0);
        let consumer = two_then_gone(loud);
        lab::shout(input, out);
        let got = consumer.join().expect("the consumer does not panic");
        (fed.taken(), got)
    });
    assert_eq!(got, ["WORD0", "WORD1"]);
    assert!(
        taken <= 4,
        "shout took {taken} words from its input, though its consumer left after 2: it went on \
         after a send failed. A failed send means nobody listens: return"
    );
}

#[test]
fn shout_waits_for_words_without_spinning() {
    let (loud, cpu) = within(DEADLINE, || {
        let (out, loud) = unbounded();
        let words = spaced(&["slow", "and", "steady"], Duration::from_millis(150));
        let ((), cpu) = cpu_used(|| lab::shout(words, out));
        (loud.iter().collect::<Vec<_>>(), cpu)
    });
    assert_eq!(loud, ["SLOW", "AND", "STEADY"]);
    if let Some(cpu) = cpu {
        cpu.assert_idle("waited for words that came 150 ms apart");
    }
}
