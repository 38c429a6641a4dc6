//! Tests of the `buffered` step and its reusable code.
use chanlab_channels::buffered;
use chanlab_common::testing::run_step;
use std::time::Duration;

const PACE: f64 = 0.05;

#[test]
fn sends_fill_the_buffer_then_block_until_a_receive() {
    let t = run_step(buffered::run, PACE);
    assert_eq!(
        t.lines()[..4],
        [
            "sent 1: len 1 of capacity 3",
            "sent 2: len 2 of capacity 3",
            "sent 3: len 3 of capacity 3",
            "full: true; a fourth send must wait for a receive",
        ],
        "{t}"
    );
    let fourth = t
        .find("sent 4 after waiting")
        .expect("the fourth send returns");
    assert!(
        fourth.at >= Duration::from_secs(1).mul_f64(PACE * 0.95),
        "did not block:\n{t}"
    );
    assert!(t.contains("receiver: took 1"), "{t}");
    assert!(t.contains("the rest, in order: [2, 3, 4]"), "{t}");
}
