//! Tests of the `once` step: many threads, one initialisation.
use chanlab_common::testing::run_step;
use chanlab_sync::once::{self, THREADS};
use std::time::Duration;

const PACE: f64 = 0.1;

#[test]
fn one_thread_initialises_and_every_other_waits_for_its_value() {
    let t = run_step(once::run, PACE);
    assert_eq!(t.count("loads the config"), 1, "{t}");
    assert_eq!(t.count("sees \"port=8000\""), THREADS, "{t}");
    assert!(
        t.contains(&format!(
            "{THREADS} threads asked, the config was loaded 1 time(s)"
        )),
        "{t}"
    );
    assert!(
        t.contains(&format!(
            "Once::call_once from {THREADS} threads ran the set-up 1 time(s)"
        )),
        "{t}"
    );
    // Nobody saw the value before the one-second load had finished: the others waited.
    let loaded_by = t.position("loads the config").unwrap();
    let first_sight = t.position("sees").unwrap();
    assert!(loaded_by < first_sight, "{t}");
    assert!(
        t.events[first_sight].at >= Duration::from_secs_f64(0.95 * PACE),
        "a thread saw the value before it was loaded:\n{t}"
    );
}
