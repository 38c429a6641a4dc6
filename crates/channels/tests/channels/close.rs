//! Tests of the `close` step and its reusable code.
use chanlab_channels::close;
use chanlab_common::testing::run_step;

#[test]
fn every_closing_difference_is_shown() {
    let t = run_step(close::run, 1.0);
    for expected in [
        "after close: Ok(1), Ok(2)",
        "drained and closed: recv() = Err(",
        "try_recv on an open, empty channel: Empty",
        "try_recv on a closed, drained one: Disconnected",
        "one of two senders dropped: Ok(\"still open\")",
        "the last sender dropped: Err(Disconnected)",
        "send with no receiver left: Err, the value comes back: \"lost?\"",
    ] {
        assert!(t.contains(expected), "missing {expected:?}:\n{t}");
    }
}
