//! The `errgroup` step and `ErrGroup`.
use super::block_on;
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, lesson_secs, within};
use chanlab_tasks::ErrGroup;
use chanlab_tasks::errgroup;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const PACE: f64 = 0.05;

/// When the group's wait returned, on the lesson's clock.
fn wait_returned(t: &chanlab_common::Transcript) -> f64 {
    lesson_secs(&t.find("wait returned").unwrap().text, ") at", PACE)
}

#[test]
fn the_first_error_wins_and_stops_the_slow_task() {
    fast_in_one_of_three(
        errgroup::run,
        PACE,
        |t| {
            assert!(
                t.contains(r#"wait returned Err("b.txt: connection reset")"#),
                "{t}"
            );
            assert!(t.contains("three tasks that succeed: Ok(())"), "{t}");
            // Each time told as run, then at pace 1.
            assert!(
                t.contains("a.txt: done after 0.01s (0.2s at pace 1)"),
                "{t}"
            );
            assert!(
                t.contains("b.txt: failed after 0.025s (0.5s at pace 1)"),
                "{t}"
            );
            assert!(t.contains("not c.txt's 0.15s (3s at pace 1)"), "{t}");
            assert!(wait_returned(t) >= 0.45, "{t}");
        },
        // The failure at 0.5 s ends the wait long before c.txt's 3 s, and stops c.txt.
        |t| wait_returned(t) < 2.0 && t.contains("c.txt: stopped, cancelled"),
    );
}

#[test]
fn the_cause_is_returned_not_the_cancellations_it_caused() {
    for _ in 0..50 {
        let got = within(STEP_DEADLINE, || {
            block_on(async {
                let mut group = ErrGroup::new();
                for _ in 0..5 {
                    let token = group.token();
                    group.spawn(async move {
                        token.cancelled().await;
                        Err("cancelled")
                    });
                }
                group.spawn(async { Err("the cause") });
                group.wait().await
            })
        });
        assert_eq!(got, Err("the cause"));
    }
}

#[test]
fn a_parent_cancel_reaches_the_group_and_the_group_leaves_the_parent_alone() {
    within(STEP_DEADLINE, || {
        block_on(async {
            let parent = CancellationToken::new();
            let mut group = ErrGroup::<()>::with_parent(&parent);
            group.spawn(async { Err(()) });
            assert_eq!(group.wait().await, Err(()));
            assert!(!parent.is_cancelled());

            let group = ErrGroup::<()>::with_parent(&parent);
            parent.cancel();
            assert!(group.token().is_cancelled());
        })
    });
}

#[test]
fn a_panic_cancels_the_others_and_reaches_wait() {
    let outcome = std::panic::catch_unwind(|| {
        within(STEP_DEADLINE, || {
            block_on(async {
                let mut group = ErrGroup::<()>::new();
                let token = group.token();
                group.spawn(async move {
                    // Without the cancel this would wait an hour.
                    tokio::select! {
                        _ = token.cancelled() => Ok(()),
                        _ = tokio::time::sleep(Duration::from_secs(3600)) => Ok(()),
                    }
                });
                group.spawn(async { panic!("task blew up") });
                group.wait().await
            })
        })
    });
    let payload = outcome.expect_err("the panic was swallowed");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"task blew up"));
}
