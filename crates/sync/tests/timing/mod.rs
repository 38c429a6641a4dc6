//! What the timing tests share: a claim that work overlapped must show in one of three runs.

use chanlab_common::testing::run_step;
use chanlab_common::{Cx, Transcript};

/// Runs a step at `pace` until `fast` accepts a run, at most three times; `always` checks every run.
///
/// An upper bound on time claims that work overlapped, and a loaded machine can stall any single
/// run past it; so one run in three must show it, while what must always hold (lower bounds,
/// limits, the transcript) is checked in every run. Panics with the last transcript if no run is
/// fast enough.
pub fn fast_in_one_of_three(
    run: fn(&Cx) -> anyhow::Result<()>,
    pace: f64,
    always: impl Fn(&Transcript),
    fast: impl Fn(&Transcript) -> bool,
) {
    let mut last = Transcript::default();
    for _ in 0..3 {
        last = run_step(run, pace);
        always(&last);
        if fast(&last) {
            return;
        }
    }
    panic!("not fast enough in three runs; the last:\n{last}");
}
