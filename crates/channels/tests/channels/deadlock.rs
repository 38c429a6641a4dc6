//! Tests of the `deadlock` step: a circular wait shows up as a timeout, never as a hang.
use chanlab_channels::deadlock::{self, PATIENCE};
use chanlab_common::testing::run_step;

/// Slow enough that the broken cycle's hand-offs, which wait a patience each, are not lost to a
/// thread that a loaded machine starts late.
const PACE: f64 = 0.5;

#[test]
fn every_deadlock_is_a_timeout_and_the_fix_talks() {
    let t = run_step(deadlock::run, PACE);
    assert!(t.contains("a send nobody can receive timed out"), "{t}");
    let a = t.find("for B: deadlock").expect("A gave up");
    let b = t.find("for A: deadlock").expect("B gave up");
    assert_eq!((a.thread.as_str(), b.thread.as_str()), ("A", "B"), "{t}");
    // Both waited their full patience: neither heard anything sooner.
    let patience = PATIENCE.mul_f64(PACE);
    assert!(a.at >= patience * 2 - patience / 10, "{t}");
    assert!(
        t.contains("heard \"hello, A\"") && t.contains("heard \"hello, B\""),
        "{t}"
    );
    let heard_b = t.find("heard \"hello, B\"").unwrap();
    assert_eq!(heard_b.thread, "B", "{t}");
}
