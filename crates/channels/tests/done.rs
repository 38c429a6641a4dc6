//! Tests of the `done` step and its reusable code.
use chanlab_channels::done;
use chanlab_common::Transcript;
use chanlab_common::testing::fast_in_one_of_three;

const PACE: f64 = 0.05;

#[test]
fn results_arrive_as_workers_finish_in_about_the_slowest_time() {
    let always = |t: &Transcript| {
        let working = t.position("working...").unwrap();
        let done = t.position("done").unwrap();
        let signalled = t.position("main: the worker signalled done").unwrap();
        assert!(working < done && done < signalled, "{t}");
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
        assert!(
            collected_in(t) >= 3.0 * 0.95,
            "faster than the slowest worker:\n{t}"
        );
    };
    // The slowest worker takes 3 s; one after another they would take 6 s.
    fast_in_one_of_three(done::run, PACE, always, |t| collected_in(t) < 4.5);
}

/// The lesson-time seconds the step reports for collecting the three results.
fn collected_in(t: &Transcript) -> f64 {
    let line = &t.find("all three in ").expect("the summary line").text;
    line["all three in ".len()..]
        .split('s')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
