//! Tests of the `nil` step: a closed channel is always ready; `never()` switches it off.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use chanlab_select::nil::{self, spins_before_value};
use std::time::Duration;

#[test]
fn the_closed_arm_spins_and_never_stops_it() {
    let t = run_step(nil::run, 0.2);
    assert!(
        t.contains("fired 1 time, then the select waited quietly"),
        "{t}"
    );
}

#[test]
fn a_closed_arm_fires_over_and_over_until_disabled() {
    let (spinning, disabled) = no_threads_left(STEP_DEADLINE, || {
        let delay = Duration::from_millis(20);
        (
            spins_before_value(delay, false),
            spins_before_value(delay, true),
        )
    });
    assert!(
        spinning > 100,
        "a closed channel should be ready every time, fired {spinning}"
    );
    assert_eq!(disabled, 1);
}
