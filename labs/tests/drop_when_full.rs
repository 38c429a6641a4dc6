//! Tests of the `drop_when_full` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/drop_when_full.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/drop_when_full.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, timed, within};
use crossbeam::channel::bounded;
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
