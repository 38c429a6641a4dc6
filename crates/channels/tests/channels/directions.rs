//! Tests of the `directions` step and its reusable code.
use chanlab_channels::directions::{self, receiver, sender};
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use crossbeam_channel::bounded;

#[test]
fn a_sender_only_and_a_receiver_only_function_talk() {
    let t = run_step(directions::run, 1.0);
    assert_eq!(
        t.lines()[..2],
        ["Received: hello", "Received: world"],
        "{t}"
    );
}

#[test]
fn receiver_returns_when_sender_closes() {
    let got = within(STEP_DEADLINE, || {
        let (tx, rx) = bounded(0);
        let producer = std::thread::spawn(move || sender(tx));
        let got = receiver(rx);
        producer.join().unwrap();
        got
    });
    assert_eq!(got, ["hello", "world"]);
}

#[test]
fn sender_stops_quietly_when_nobody_listens() {
    within(STEP_DEADLINE, || {
        let (tx, rx) = bounded(0);
        drop(rx);
        sender(tx); // must return, not block or panic
    });
}
