//! Tests of the `drop_when_full` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/drop_when_full.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/drop_when_full.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, settle, timed, within};
use crossbeam::channel::{Receiver, bounded};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(2);

#[test]
fn a_full_buffer_drops_instead_of_waiting() {
    let (queued, dropped, received) = within(DEADLINE, || {
        let (tx, rx) = bounded(3);
        let mut publisher = lab::Publisher::new(tx);
        // Nobody receives: the fourth event finds the buffer full.
        let queued: Vec<bool> = (0..10)
            .map(|i| publisher.publish(&format!("e{i}")))
            .collect();
        (
            queued,
            publisher.dropped(),
            rx.try_iter().collect::<Vec<_>>(),
        )
    });
    let expected: Vec<bool> = (0..10).map(|i| i < 3).collect();
    assert_eq!(
        queued, expected,
        "the first 3 fit in the buffer, the rest are dropped"
    );
    assert_eq!(dropped, 7, "7 events were dropped");
    assert_eq!(received, ["e0", "e1", "e2"]);
}

#[test]
fn a_gone_subscriber_drops_everything() {
    let (queued, dropped) = within(DEADLINE, || {
        let (tx, rx) = bounded(3);
        drop(rx);
        let mut publisher = lab::Publisher::new(tx);
        (publisher.publish("hello"), publisher.dropped())
    });
    assert!(!queued, "nobody can receive it");
    assert_eq!(dropped, 1);
}

#[test]
fn a_slow_subscriber_never_slows_the_publisher() {
    let (received, dropped, took) = no_threads_left(DEADLINE, || {
        let (tx, rx) = bounded(4);
        let subscriber = thread::spawn(move || {
            let mut received = 0;
            for _ in rx {
                thread::sleep(Duration::from_millis(5));
                received += 1;
            }
            received
        });
        let mut publisher = lab::Publisher::new(tx);
        let (_, took) = timed(|| {
            for i in 0..200 {
                publisher.publish(&format!("e{i}"));
            }
        });
        let dropped = publisher.dropped();
        drop(publisher);
        (
            subscriber.join().expect("the subscriber does not panic"),
            dropped,
            took,
        )
    });
    assert_eq!(
        received + dropped,
        200,
        "every event is either received or dropped"
    );
    assert!(
        dropped > 0,
        "a subscriber at 5 ms per event cannot keep up with 200 at once"
    );
    // Waiting for the subscriber would take 200 × 5 ms = 1 s.
    assert!(
        took < Duration::from_millis(300),
        "publishing took {took:?}: it waited"
    );
}

#[test]
fn publishing_to_a_full_buffer_never_waits() {
    let (dropped, took) = within(DEADLINE, || {
        let (tx, _rx) = bounded(4);
        let mut publisher = lab::Publisher::new(tx);
        let took = timed(|| {
            for i in 0..504 {
                publisher.publish(&format!("e{i}"));
            }
        })
        .1;
        (publisher.dropped(), took)
    });
    assert_eq!(dropped, 500, "4 fit in the buffer, 500 do not");
    assert!(
        took < Duration::from_millis(200),
        "500 events to a full buffer took {took:?}: publish waited for room each time, if only \
         briefly. It must not wait at all: try_send"
    );
}

#[test]
fn an_unbuffered_channel_with_a_waiting_subscriber_takes_the_event() {
    // Go's `select { case ch <- v: default: }` on an unbuffered channel delivers when a receiver
    // is waiting: the channel is never "not full", but the hand-over can happen at once.
    let (queued, got) = within(DEADLINE, || {
        let (tx, rx) = bounded(0);
        let subscriber = thread::spawn(move || rx.recv().ok());
        settle(); // the subscriber is waiting in recv
        let mut publisher = lab::Publisher::new(tx);
        let queued = publisher.publish("hello");
        drop(publisher);
        (
            queued,
            subscriber.join().expect("the subscriber does not panic"),
        )
    });
    assert!(
        queued && got.as_deref() == Some("hello"),
        "a subscriber was waiting on an unbuffered channel, and publish dropped the event: it \
         looked at whether the buffer was full instead of trying to send (try_send)"
    );
}

/// Publishers that share one channel, each publishing as fast as it can until `stop`.
fn publishers(tx: crossbeam::channel::Sender<String>, stop: &Arc<AtomicBool>) -> Receiver<()> {
    let (done_tx, done) = bounded(4);
    for p in 0..4 {
        let (tx, stop, done_tx) = (tx.clone(), stop.clone(), done_tx.clone());
        thread::spawn(move || {
            let mut publisher = lab::Publisher::new(tx);
            // Large events: copying one into the channel takes a moment, in which the others
            // may look at the buffer too.
            let event = format!("from p{p}: {}", "x".repeat(16 * 1024));
            while !stop.load(Ordering::SeqCst) {
                publisher.publish(&event);
            }
            let _ = done_tx.send(());
        });
    }
    done
}

/// Four publishers race for the places a slow subscriber frees, one at a time; then it stops
/// reading, but stays. Returns how many publishers were stuck inside publish at that point.
fn race_for_room() -> usize {
    let (tx, rx) = bounded(8);
    let stop = Arc::new(AtomicBool::new(false));
    let done = publishers(tx, &stop);
    for _ in 0..100 {
        let _ = rx.recv();
        thread::sleep(Duration::from_micros(500));
    }
    stop.store(true, Ordering::SeqCst);
    let finished = (0..4)
        .take_while(|_| done.recv_timeout(Duration::from_millis(500)).is_ok())
        .count();
    drop(rx); // frees any publisher stuck in a send, so that it can end
    for _ in finished..4 {
        let _ = done.recv();
    }
    4 - finished
}

#[test]
fn publishers_sharing_a_channel_never_wait() {
    // The race is narrow: run it a few times.
    for round in 1..=6 {
        let stuck = no_threads_left(Duration::from_secs(5), race_for_room);
        assert_eq!(
            stuck, 0,
            "round {round}: {stuck} of 4 publishers sharing a channel got stuck inside publish \
             once the buffer was full: between a look at the buffer (is_full, len) and a send \
             that waits, another publisher took the last place. Try to send without waiting: \
             try_send"
        );
    }
}
