//! The `channels` step and the rendezvous channel.
use super::block_on;
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use chanlab_tasks::channels::{self, Closed, rendezvous};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[test]
fn the_step_shows_buffers_close_replies_and_a_handoff() {
    let t = run_step(channels::run, 0.05);
    assert!(
        t.contains("capacity 3: 0 free, another try_send full: true"),
        "{t}"
    );
    assert!(t.contains("received 3"), "{t}");
    assert!(t.contains("recv() gave None"), "{t}");
    assert!(t.contains("not a panic: true"), "{t}");
    assert!(t.contains("one reply: 42"), "{t}");
    // The receiver's second, told as run and at pace 1.
    assert!(
        t.contains("receiver: ready after 0.05s (1s at pace 1)"),
        "{t}"
    );
    assert!(t.contains("the send waited 0.05s (1s at pace 1)"), "{t}");
    let ready = t.position("receiver: ready").unwrap();
    let sent = t.position("sender: sent 1").unwrap();
    assert!(
        sent > ready,
        "the send finished before a receiver came:\n{t}"
    );
}

#[test]
fn a_send_waits_until_the_value_is_taken() {
    within(STEP_DEADLINE, || {
        block_on(async {
            let (tx, mut rx) = rendezvous();
            let sent = Arc::new(AtomicBool::new(false));
            let flag = sent.clone();
            let sender = tokio::spawn(async move {
                tx.send(7).await.unwrap();
                flag.store(true, Ordering::SeqCst);
            });
            // The buffer of the channel underneath has room for it, yet the send must not end.
            tokio::time::sleep(Duration::from_millis(30)).await;
            assert!(!sent.load(Ordering::SeqCst), "sent with nobody receiving");
            assert_eq!(rx.recv().await, Some(7));
            sender.await.unwrap();
            assert!(sent.load(Ordering::SeqCst));
        })
    });
}

#[test]
fn a_send_without_a_receiver_is_an_error_not_a_hang() {
    within(STEP_DEADLINE, || {
        block_on(async {
            let (tx, rx) = rendezvous::<u8>();
            drop(rx);
            assert_eq!(tx.send(1).await, Err(Closed));
            // A value queued but never taken: dropping the receiver releases its sender.
            let (tx, rx) = rendezvous::<u8>();
            let sender = tokio::spawn(async move { tx.send(2).await });
            tokio::time::sleep(Duration::from_millis(10)).await;
            drop(rx);
            assert_eq!(sender.await.unwrap(), Err(Closed));
        })
    });
}

#[test]
fn many_senders_each_hand_over_in_turn() {
    let mut got = within(STEP_DEADLINE, || {
        block_on(async {
            let (tx, mut rx) = rendezvous();
            for n in 0..50 {
                let tx = tx.clone();
                tokio::spawn(async move { tx.send(n).await.unwrap() });
            }
            drop(tx);
            let mut got = Vec::new();
            while let Some(n) = rx.recv().await {
                got.push(n);
            }
            got
        })
    });
    got.sort_unstable();
    assert_eq!(got, (0..50).collect::<Vec<_>>());
}
