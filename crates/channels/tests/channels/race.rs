//! Tests of the `race` step: a lost update, forced and by chance, and the fix.
use chanlab_channels::race::{self, add, add_racily, count_with, lost_update_step_by_step};
use chanlab_common::Cx;
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};

#[test]
fn the_forced_interleaving_loses_one_update_every_time() {
    for _ in 0..10 {
        let (count, t) = no_threads_left(STEP_DEADLINE, || {
            let cx = Cx::capture(0.01);
            let count = lost_update_step_by_step(&cx).unwrap();
            (count, cx.transcript())
        });
        assert_eq!(count, 1, "{t}");
        let lines: Vec<(&str, &str)> = t
            .events
            .iter()
            .map(|e| (e.thread.as_str(), e.text.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("A", "read 0"),
                ("B", "read 0"),
                ("B", "wrote 1"),
                ("A", "wrote 1")
            ]
        );
    }
}

#[test]
fn fetch_add_loses_nothing_and_load_store_never_gains() {
    for _ in 0..5 {
        let (racy, exact) = no_threads_left(STEP_DEADLINE, || {
            (
                count_with(4, 50_000, add_racily),
                count_with(4, 50_000, add),
            )
        });
        assert!(racy <= 200_000, "a lost update cannot add: {racy}");
        assert_eq!(exact, 200_000);
    }
}

#[test]
fn the_step_reports_the_count() {
    let t = run_step(race::run, 1.0);
    assert!(t.contains("two increments, count = 1"), "{t}");
    assert!(t.contains("load-then-store increments: "), "{t}");
    assert!(
        t.contains("fetch_add increments: 2000000 of 2000000"),
        "{t}"
    );
}
