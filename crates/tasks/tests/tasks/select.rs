//! The `select` step and `merge_two`.
use super::block_on;
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, lesson_secs, within};
use chanlab_tasks::select::{self, merge_two};
use tokio::sync::mpsc;

const PACE: f64 = 0.05;

/// When both producers had been heard from, on the lesson's clock.
fn both_in(t: &chanlab_common::Transcript) -> f64 {
    lesson_secs(&t.find("both in").unwrap().text, "both in", PACE)
}

#[test]
fn the_waits_overlap_biased_goes_in_order_and_timeouts_fire() {
    fast_in_one_of_three(
        select::run,
        PACE,
        |t| {
            assert!(
                t.contains("received one") && t.contains("received two"),
                "{t}"
            );
            assert!(t.contains("jobs done: 0"), "{t}");
            assert!(
                t.contains("timeout: nothing within 0.025s (0.5s at pace 1)"),
                "{t}"
            );
            // Told as run and at pace 1, and never sooner than the longer wait.
            assert!(both_in(t) >= 1.95, "{t}");
            assert!(
                t.contains(r#"merged until both closed: ["fast", "slow"]"#)
                    || t.contains(r#"merged until both closed: ["slow", "fast"]"#),
                "{t}"
            );
        },
        // 1 s and 2 s overlapped: 2 s, not 3; and the sooner came first, in both selects (a
        // stalled runtime can find both ready at once and pick either).
        |t| {
            both_in(t) < 2.6
                && t.position("received one") < t.position("received two")
                && t.contains(r#"merged until both closed: ["fast", "slow"]"#)
        },
    );
}

#[test]
fn closed_branches_are_switched_off_and_everything_arrives() {
    let got = within(STEP_DEADLINE, || {
        block_on(async {
            let (tx_a, a) = mpsc::channel(1);
            let (tx_b, b) = mpsc::channel(1);
            tokio::spawn(async move {
                for n in 0..100 {
                    tx_a.send(n).await.unwrap();
                }
            });
            drop(tx_b); // closed from the start: its branch goes off at once
            merge_two(a, b).await
        })
    });
    assert_eq!(got, (0..100).collect::<Vec<_>>());
}
