//! Tests of the `non_blocking` step.
use chanlab_common::testing::run_step;
use chanlab_select::non_blocking;

#[test]
fn nothing_blocks_and_each_outcome_is_reported() {
    let t = run_step(non_blocking::run, 1.0);
    assert_eq!(
        t.lines(),
        [
            "No message received",
            "Cannot send message",
            "try_send: Full, \"hello\" handed back",
            "try_recv: Err(Empty)",
            "Sent message: hello (capacity 1 had room)",
            "Received message: hello",
        ],
        "{t}"
    );
}
