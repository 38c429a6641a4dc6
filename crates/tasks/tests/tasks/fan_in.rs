//! The `fan_in` step and `merge`.
use super::block_on;
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, lesson_secs, within};
use chanlab_tasks::fan_in::{self, merge};
use chanlab_tasks::pipeline::generate;

#[test]
fn the_step_merges_as_things_come_and_closes_with_the_last_input() {
    fast_in_one_of_three(
        fan_in::run,
        0.1,
        |t| {
            assert_eq!(t.count("merged: "), 7, "{t}");
            // The slow producer's second item comes at 1.4 s: told as run and at pace 1.
            let closed = &t.find("all three closed").unwrap().text;
            assert!(lesson_secs(closed, "closed at", 0.1) >= 1.35, "{t}");
            assert_eq!(t.count("StreamMap, one task polling both"), 1, "{t}");
        },
        // In arrival order: 0.3 s is the first item anywhere, 1.4 s the last; a busy machine can
        // stall the runtime past both, so one run in three must show it.
        |t| {
            t.position("merged: fast 1") == t.position("merged: ")
                && t.position("merged: slow 2") > t.position("merged: medium 2")
                && t.contains(r#"["fast", "fast", "slow", "slow"]"#)
        },
    );
}

#[test]
fn merge_of_many_inputs_keeps_every_item_and_closes() {
    let (count, sum) = within(STEP_DEADLINE, || {
        block_on(async {
            let inputs = (0..20u64)
                .map(|i| generate(i * 1000..i * 1000 + 1000))
                .collect();
            let mut merged = merge(inputs);
            let (mut count, mut sum) = (0, 0);
            while let Some(n) = merged.recv().await {
                count += 1;
                sum += n;
            }
            (count, sum)
        })
    });
    assert_eq!((count, sum), (20_000, (0..20_000u64).sum()));
    let empty = within(STEP_DEADLINE, || {
        block_on(async { merge::<u8>(vec![]).recv().await })
    });
    assert_eq!(empty, None);
}
