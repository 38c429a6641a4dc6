//! Tests of the `tickers` step.
use chanlab_common::Transcript;
use chanlab_common::testing::fast_in_one_of_three;
use chanlab_select::tickers;

#[test]
fn three_ticks_before_done_closes() {
    let always = |t: &Transcript| {
        let ticks = t.count("Tick ");
        assert!(
            t.contains(&format!("Ticker stopped after {ticks} ticks")),
            "{t}"
        );
    };
    // Ticks every 250 ms, done at 875 ms: a run that is not stalled sees exactly three. A stall
    // of 125 ms can let a fourth in, or keep the third out.
    fast_in_one_of_three(tickers::run, 0.25, always, |t| t.count("Tick ") == 3);
}
