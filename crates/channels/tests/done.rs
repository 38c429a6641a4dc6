//! Tests of the `done` step and its reusable code.
use chanlab_channels::done;
use chanlab_common::testing::run_step;
use std::time::Duration;

const PACE: f64 = 0.05;

#[test]
fn results_arrive_as_workers_finish_in_about_the_slowest_time() {
    let t = run_step(done::run, PACE);
    let working = t.position("working...").unwrap();
    let signalled = t.position("main: the worker signalled done").unwrap();
    assert!(
        working < t.position("done").unwrap() && t.position("done").unwrap() < signalled,
        "{t}"
    );
    let order: Vec<usize> = ["worker 1 took 1s", "worker 2 took 2s", "worker 0 took 3s"]
        .iter()
        .map(|line| {
            t.position(line)
                .unwrap_or_else(|| panic!("missing {line}:\n{t}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "not in completion order:\n{t}"
    );
    // 1 s for the first part, then the slowest worker's 3 s; sequential would be 1 + 6.
    let last = t.events.last().unwrap().at;
    assert!(
        last < Duration::from_secs(5).mul_f64(PACE),
        "took {last:?}:\n{t}"
    );
}
