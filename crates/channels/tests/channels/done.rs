//! Tests of the `done` step and its reusable code.
use chanlab_channels::done;
use chanlab_common::Transcript;
use chanlab_common::testing::fast_in_one_of_three;

const PACE: f64 = 0.1;

#[test]
fn results_arrive_as_workers_finish_in_about_the_slowest_time() {
    let always = |t: &Transcript| {
        let working = t.position("working...").unwrap();
        let done = t.position("done").unwrap();
        let signalled = t.position("main: the worker signalled done").unwrap();
        assert!(working < done && done < signalled, "{t}");
        for line in FINISHING_ORDER {
            assert!(t.contains(line), "missing {line}:\n{t}");
        }
        assert!(
            collected_in(t) >= 3.0 * 0.95,
            "faster than the slowest worker:\n{t}"
        );
    };
    // The slowest worker takes 3 s; one after another they would take 6 s. The workers finish
    // 1 s apart, 100 ms at this pace, which a loaded machine can overrun once.
    let fast = |t: &Transcript| {
        let order: Vec<_> = FINISHING_ORDER.iter().map(|l| t.position(l)).collect();
        collected_in(t) < 4.5 && order.windows(2).all(|w| w[0] < w[1])
    };
    fast_in_one_of_three(done::run, PACE, always, fast);
}

/// The results as the workers finish, which is not the order they started in.
const FINISHING_ORDER: [&str; 3] = ["worker 1 took ", "worker 2 took ", "worker 0 took "];

/// The lesson-time seconds the step reports for collecting the three results: it says the time
/// as run first, so at this pace that divided by the pace.
fn collected_in(t: &Transcript) -> f64 {
    let line = &t.find("all three in ").expect("the summary line").text;
    let as_run: f64 = line["all three in ".len()..]
        .split('s')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    as_run / PACE
}
