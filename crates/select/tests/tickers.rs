//! Tests of the `tickers` step.
use chanlab_common::testing::run_step;
use chanlab_select::tickers;

#[test]
fn three_ticks_before_done_closes() {
    // Ticks every 100 ms, done at 350 ms: the margin either side is 50 ms.
    let t = run_step(tickers::run, 0.1);
    assert_eq!(t.count("Tick "), 3, "{t}");
    assert!(t.contains("Ticker stopped after 3 ticks"), "{t}");
}
