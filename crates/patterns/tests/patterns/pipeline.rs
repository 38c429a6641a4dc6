//! Tests of the `pipeline` step and the stages `generate`, `filter` and `map`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step, within};
use chanlab_patterns::{filter, generate, map, pipeline};

#[test]
fn the_step_squares_the_evens_in_order() {
    let t = run_step(pipeline::run, 1.0);
    let squares: Vec<&str> = t
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("square: "))
        .collect();
    assert_eq!(
        squares,
        [
            "square: 4",
            "square: 16",
            "square: 36",
            "square: 64",
            "square: 100"
        ],
        "{t}"
    );
    assert!(t.contains("even squares up to 10 is 220"), "{t}");
    assert!(t.contains("the first four: [4, 16, 36, 64]"), "{t}");
}

#[test]
fn a_single_producer_chain_neither_drops_nor_reorders() {
    for _ in 0..5 {
        let got = no_threads_left(STEP_DEADLINE, || {
            let passed = filter(generate(0..10_000u32), |_| true);
            map(passed, |n| n).iter().collect::<Vec<_>>()
        });
        assert_eq!(got, (0..10_000).collect::<Vec<_>>());
    }
}

#[test]
fn filter_keeps_and_map_transforms_each_item_once() {
    let got = within(STEP_DEADLINE, || {
        let odds = filter(generate(1..=1000u64), |n| n % 2 == 1);
        map(odds, |n| n * 3).iter().collect::<Vec<_>>()
    });
    let expected: Vec<u64> = (1..=1000).filter(|n| n % 2 == 1).map(|n| n * 3).collect();
    assert_eq!(got, expected);
}

#[test]
fn an_empty_input_closes_every_stage() {
    no_threads_left(STEP_DEADLINE, || {
        let out = map(filter(generate(Vec::<i32>::new()), |_| true), |n| n + 1);
        assert!(out.recv().is_err(), "the output must close, empty");
    });
}

#[test]
fn hanging_up_stops_every_stage_of_an_endless_pipeline() {
    for _ in 0..10 {
        // no_threads_left fails naming `generate`, `filter` or `map` if one keeps running.
        no_threads_left(STEP_DEADLINE, || {
            let out = map(filter(generate(0u64..), |n| n % 7 == 0), |n| n / 7);
            assert_eq!(out.iter().take(5).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        });
    }
}

#[test]
fn hanging_up_before_reading_anything_stops_the_stages() {
    no_threads_left(STEP_DEADLINE, || drop(map(generate(0u64..), |n| n + 1)));
}

#[test]
fn a_panicking_stage_closes_its_output_early() {
    let got = no_threads_left(STEP_DEADLINE, || {
        let out = map(generate(0..10), |n| {
            assert!(n != 5, "a stage that panics on 5");
            n
        });
        out.iter().collect::<Vec<_>>()
    });
    assert_eq!(got, [0, 1, 2, 3, 4]);
}
