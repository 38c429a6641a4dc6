//! Tests of the `tickers` step.
use chanlab_common::Transcript;
use chanlab_common::testing::fast_in_one_of_three;
use chanlab_select::tickers;

#[test]
fn three_ticks_before_done_closes() {
    let always = |t: &Transcript| {
        let ticks = t.count("Tick ");
        assert!(ticks <= 3, "more ticks than fit in 3.5 intervals:\n{t}");
        assert!(
            t.contains(&format!("Ticker stopped after {ticks} ticks")),
            "{t}"
        );
    };
    // Ticks every 100 ms, done at 350 ms: a run that is not stalled sees exactly three.
    fast_in_one_of_three(tickers::run, 0.1, always, |t| t.count("Tick ") == 3);
}
