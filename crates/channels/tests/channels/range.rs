//! Tests of the `range` step and its reusable code.
use chanlab_channels::range::{self, squares, sum};
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use crossbeam_channel::bounded;

#[test]
fn range_ends_at_close_and_waits_while_a_sender_lives() {
    let t = run_step(range::run, 0.02);
    assert!(t.contains("received until close: 385"), "{t}");
    assert!(t.contains("got [1, 4, 9], then nothing"), "{t}");
    assert!(t.contains("the loop ends: Err(RecvError)"), "{t}");
}

#[test]
fn sum_receives_everything_in_order() {
    let total = within(STEP_DEADLINE, || {
        let (tx, rx) = bounded(0);
        let producer = std::thread::spawn(move || squares(100, tx));
        let total = sum(&rx);
        producer.join().unwrap();
        total
    });
    assert_eq!(total, (1..=100u64).map(|i| i * i).sum());
}
