//! A buffered channel is a queue: sends succeed until it is full, then block (section 5.3).

use chanlab_common::Cx;
use crossbeam_channel::bounded;
use std::thread;
use std::time::Duration;

/// Fills a channel of capacity 3 without a receiver, then shows the fourth send wait for room.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: buffered
    let (tx, rx) = bounded::<i32>(3); // Go: make(chan int, 3)
    for n in 1..=3 {
        tx.send(n)?; // room in the buffer: returns at once
        cx.say(format!("sent {n}: len {} of capacity 3", tx.len()));
    }
    cx.say(format!(
        "full: {}; a fourth send must wait for a receive",
        tx.is_full()
    ));
    thread::scope(|s| {
        s.spawn(|| {
            let second = Duration::from_secs(1);
            cx.sleep(second);
            let first = rx.recv().expect("three values are waiting");
            let after = cx.secs(second);
            cx.say(format!("receiver: took {first} after {after}, making room"));
        });
        tx.send(4).expect("the receiver is alive");
        let waited = cx.secs_since_start();
        cx.say(format!("sent 4 after waiting {waited:.1}"));
    });
    drop(tx); // close: the receiver below drains what is left, then stops
    let rest: Vec<i32> = rx.iter().collect();
    cx.say(format!("the rest, in order: {rest:?}"));
    // ANCHOR_END: buffered
    Ok(())
}
