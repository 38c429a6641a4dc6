//! Tests of the `concurrent` and `sequential` steps on the offline demo.
use chanlab_common::Transcript;
use chanlab_common::testing::{fast_in_one_of_three, run_step};
use chanlab_fetchall::{concurrent, sequential};

const PACE: f64 = 0.1;

/// The demo line's lesson-time total.
fn lesson_total(t: &Transcript) -> f64 {
    let line = t
        .find("in lesson time")
        .expect("the comparison line")
        .text
        .clone();
    line["in lesson time ".len()..]
        .split('s')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn concurrent_takes_about_the_slowest_and_prints_in_completion_order() {
    let always = |t: &Transcript| {
        let fetched: Vec<&str> = t
            .lines()
            .into_iter()
            .filter(|l| l.contains("/sleep?ms="))
            .collect();
        assert_eq!(fetched.len(), 5, "{t}");
        for line in &fetched {
            // The course's format: seconds, bytes in 7 columns, URL.
            let parts: Vec<&str> = line.split_whitespace().collect();
            assert!(
                parts[0].ends_with('s') && parts[1].parse::<u64>().is_ok(),
                "{line}"
            );
        }
        assert!(t.lines()[5].ends_with("s elapsed"), "{t}");
        assert!(
            lesson_total(t) >= 2.0 * 0.95,
            "faster than the slowest page:\n{t}"
        );
    };
    // The slowest page takes 2 s and all five 5.25 s. Pages 25 ms apart at this pace may swap
    // places on a stalled run, so the order, like the total, must show in one run of three.
    let fast = |t: &Transcript| lesson_total(t) < 3.5 && in_completion_order(t);
    fast_in_one_of_three(concurrent::run, PACE, always, fast);
}

/// Whether the fetched lines came in the order of their pages' delays.
fn in_completion_order(t: &Transcript) -> bool {
    let delays: Vec<u64> = t
        .lines()
        .into_iter()
        .filter_map(|l| {
            l.split_once("/sleep?ms=")
                .map(|(_, ms)| ms.parse().unwrap())
        })
        .collect();
    delays.windows(2).all(|w| w[0] <= w[1])
}

#[test]
fn sequential_takes_the_sum() {
    let t = run_step(sequential::run, PACE);
    let total = lesson_total(&t);
    assert!(
        total >= 5.25 * 0.95,
        "the sum of the delays is 5.25 s; took {total}\n{t}"
    );
}
