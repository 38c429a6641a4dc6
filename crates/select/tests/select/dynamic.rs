//! Tests of the `dynamic` step and `drain_all`.
use chanlab_common::Transcript;
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, no_threads_left};
use chanlab_select::dynamic::{self, drain_all};
use crossbeam_channel::bounded;
use std::thread;

#[test]
fn every_message_of_every_producer_arrives() {
    let always = |t: &Transcript| {
        assert_eq!(t.count("message"), 12 + 1, "{t}");
        assert!(t.contains("messages per producer: [3, 3, 3, 3]"), "{t}");
    };
    // The fastest producer is first by 200 ms of lesson time, 100 ms at this pace: a loaded
    // machine can overrun that once.
    let fastest_first = |t: &Transcript| t.lines()[0].starts_with("producer 0 message 1");
    fast_in_one_of_three(dynamic::run, 0.5, always, fastest_first);
}

#[test]
fn drain_all_ends_only_when_every_channel_has_closed() {
    let got = no_threads_left(STEP_DEADLINE, || {
        let mut receivers = Vec::new();
        let mut producers = Vec::new();
        for id in 0..8u32 {
            let (tx, rx) = bounded(0);
            receivers.push(rx);
            producers.push(thread::spawn(move || {
                for n in 0..100 {
                    tx.send(id * 1000 + n).unwrap();
                }
            }));
        }
        let mut got = Vec::new();
        drain_all(&receivers, |i, v| {
            assert_eq!(v / 1000, i as u32, "message delivered with the wrong index");
            got.push(v);
        });
        producers.into_iter().for_each(|p| p.join().unwrap());
        got
    });
    assert_eq!(got.len(), 800);
    // Per producer, order is kept.
    for id in 0..8 {
        let mine: Vec<u32> = got.iter().copied().filter(|v| v / 1000 == id).collect();
        assert!(mine.windows(2).all(|w| w[0] < w[1]));
    }
}

#[test]
fn drain_all_of_nothing_returns() {
    no_threads_left(STEP_DEADLINE, || {
        drain_all::<()>(&[], |_, _| unreachable!())
    });
}
