//! The `context` step and `cancel_waiters`.
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use chanlab_tasks::context::{self, cancel_waiters};
use tokio_util::sync::CancellationToken;

#[test]
fn a_child_cancel_goes_down_a_parent_cancel_reaches_everyone() {
    let t = run_step(context::run, 0.05);
    assert!(
        t.contains("cancelled a child: child true, its child true; parent false, sibling false"),
        "{t}"
    );
    assert_eq!(t.count("worker stopped by its grandparent"), 3, "{t}");
    assert!(t.contains("timeout after 0.025s (0.5s at pace 1)"), "{t}");
    assert!(t.contains("cancelled at its deadline"), "{t}");
    assert!(t.contains("one cancel reached 1000 waiting tasks"), "{t}");
}

#[test]
fn one_cancel_ends_every_waiter_on_both_flavours() {
    within(STEP_DEADLINE, || {
        super::block_on(cancel_waiters(&CancellationToken::new(), 2_000));
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
            .block_on(cancel_waiters(&CancellationToken::new(), 2_000));
    });
}

#[test]
fn a_cancelled_parent_reaches_waiters_on_a_grandchild() {
    within(STEP_DEADLINE, || {
        super::block_on(async {
            let parent = CancellationToken::new();
            let grandchild = parent.child_token().child_token();
            let waiter = tokio::spawn(async move { grandchild.cancelled().await });
            parent.cancel();
            waiter.await.unwrap();
        })
    });
}
