//! The unbuffered channel: Go's rendezvous, its wake-ups, closing and cancelling. Most tests poll
//! the futures by hand with a waker that counts its wake-ups, so every claim is exact; the last
//! ones run many tasks on two workers.
use chanlab_common::testing::{STEP_DEADLINE, within};
use chanlab_tasks::unbuffered::{self, Receiver, Sender};
use std::collections::HashSet;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts how often it was woken.
#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A waker and the count of its wake-ups.
fn counting() -> (Waker, Arc<Counter>) {
    let counter = Arc::new(Counter::default());
    (Waker::from(counter.clone()), counter)
}

fn wakes(counter: &Counter) -> usize {
    counter.0.load(Ordering::SeqCst)
}

/// Polls `future` once with `waker`.
fn poll<F: Future>(future: std::pin::Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

#[test]
fn a_send_waits_for_the_receiver_to_take_its_value() {
    let (tx, mut rx) = unbuffered::channel();
    let (sender, sender_wakes) = counting();
    let mut send = pin!(tx.send(1));
    assert!(poll(send.as_mut(), &sender).is_pending(), "sent to nobody");
    assert!(poll(send.as_mut(), &sender).is_pending(), "sent to nobody");
    assert_eq!(wakes(&sender_wakes), 0);
    let mut recv = pin!(rx.recv());
    assert_eq!(poll(recv.as_mut(), Waker::noop()), Poll::Ready(Some(1)));
    assert_eq!(
        wakes(&sender_wakes),
        1,
        "the sender is woken once its value is taken"
    );
    assert!(matches!(poll(send, &sender), Poll::Ready(Ok(()))));
}

#[test]
fn a_waiting_receiver_is_handed_the_value_and_the_send_is_done_at_once() {
    let (tx, mut rx) = unbuffered::channel();
    let (receiver, receiver_wakes) = counting();
    let mut recv = pin!(rx.recv());
    assert!(poll(recv.as_mut(), &receiver).is_pending());
    assert!(matches!(
        poll(pin!(tx.send(7)), Waker::noop()),
        Poll::Ready(Ok(()))
    ));
    assert_eq!(wakes(&receiver_wakes), 1);
    assert_eq!(poll(recv, &receiver), Poll::Ready(Some(7)));
    // The receiver waits no longer: the next send has nobody to hand its value to.
    assert!(poll(pin!(tx.send(8)), Waker::noop()).is_pending());
}

#[test]
fn parked_senders_are_served_in_the_order_they_came() {
    let (tx, mut rx) = unbuffered::channel();
    let senders: Vec<Sender<u32>> = (0..3).map(|_| tx.clone()).collect();
    let mut sends: Vec<_> = senders
        .iter()
        .zip([10, 20, 30])
        .map(|(s, v)| Box::pin(s.send(v)))
        .collect();
    for send in &mut sends {
        assert!(poll(send.as_mut(), Waker::noop()).is_pending());
    }
    for expected in [10, 20, 30] {
        assert_eq!(
            poll(pin!(rx.recv()), Waker::noop()),
            Poll::Ready(Some(expected))
        );
    }
    for send in &mut sends {
        assert!(matches!(
            poll(send.as_mut(), Waker::noop()),
            Poll::Ready(Ok(()))
        ));
    }
}

#[test]
fn the_channel_closes_when_the_last_sender_goes_and_wakes_the_receiver() {
    let (tx, mut rx) = unbuffered::channel::<u8>();
    let other = tx.clone();
    let (receiver, receiver_wakes) = counting();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut(), &receiver).is_pending());
        drop(tx);
        assert_eq!(wakes(&receiver_wakes), 0, "a sender is left");
        drop(other);
        assert_eq!(wakes(&receiver_wakes), 1);
        assert_eq!(poll(recv, &receiver), Poll::Ready(None));
    }
    assert_eq!(poll(pin!(rx.recv()), Waker::noop()), Poll::Ready(None));
}

#[test]
fn a_value_parked_before_the_close_is_still_received() {
    let (tx, mut rx) = unbuffered::channel();
    let spare = tx.clone();
    let mut send = pin!(tx.send(3));
    assert!(poll(send.as_mut(), Waker::noop()).is_pending());
    drop(spare); // one sender is left: the one parked
    assert_eq!(poll(pin!(rx.recv()), Waker::noop()), Poll::Ready(Some(3)));
    assert!(matches!(poll(send, Waker::noop()), Poll::Ready(Ok(()))));
}

#[test]
fn without_a_receiver_a_send_gives_its_value_back() {
    let (tx, rx) = unbuffered::channel();
    let (sender, sender_wakes) = counting();
    let mut parked = pin!(tx.send(String::from("parked")));
    assert!(poll(parked.as_mut(), &sender).is_pending());
    drop(rx);
    assert_eq!(
        wakes(&sender_wakes),
        1,
        "a parked sender is woken by the receiver's drop"
    );
    match poll(parked, &sender) {
        Poll::Ready(Err(e)) => assert_eq!(e.0, "parked"),
        other => panic!("expected the value back, got {other:?}"),
    }
    match poll(pin!(tx.send(String::from("late"))), Waker::noop()) {
        Poll::Ready(Err(e)) => assert_eq!(e.0, "late"),
        other => panic!("expected the value back, got {other:?}"),
    }
}

#[test]
fn a_send_dropped_while_parked_has_sent_nothing() {
    let (tx, mut rx) = unbuffered::channel();
    {
        let mut send = pin!(tx.send(1));
        assert!(poll(send.as_mut(), Waker::noop()).is_pending());
    } // dropped, as select! drops the branch that lost
    let mut send = pin!(tx.send(2));
    assert!(poll(send.as_mut(), Waker::noop()).is_pending());
    assert_eq!(poll(pin!(rx.recv()), Waker::noop()), Poll::Ready(Some(2)));
    assert!(poll(pin!(rx.recv()), Waker::noop()).is_pending());
}

#[test]
fn a_value_handed_to_a_recv_that_is_dropped_goes_to_the_next_recv() {
    let (tx, mut rx) = unbuffered::channel();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut(), Waker::noop()).is_pending());
        assert!(matches!(
            poll(pin!(tx.send(5)), Waker::noop()),
            Poll::Ready(Ok(()))
        ));
    } // the recv lost a select! after it was handed the value
    assert_eq!(poll(pin!(rx.recv()), Waker::noop()), Poll::Ready(Some(5)));
}

#[test]
fn a_recv_dropped_while_waiting_is_no_longer_waited_on() {
    let (tx, mut rx) = unbuffered::channel();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut(), Waker::noop()).is_pending());
    }
    // Nobody waits now: the send must park rather than hand its value to a receiver gone.
    let mut send = pin!(tx.send(6));
    assert!(poll(send.as_mut(), Waker::noop()).is_pending());
    assert_eq!(poll(pin!(rx.recv()), Waker::noop()), Poll::Ready(Some(6)));
    assert!(matches!(poll(send, Waker::noop()), Poll::Ready(Ok(()))));
}

/// A value that holds a sender of its own channel: dropping it takes the channel's lock, so the
/// channel must drop values outside its lock or hang.
struct Holder(#[allow(dead_code)] Sender<Holder>);

#[test]
fn values_are_dropped_outside_the_lock() {
    within(STEP_DEADLINE, || {
        // A withdrawn send.
        let (tx, rx) = unbuffered::channel::<Holder>();
        {
            let mut send = pin!(tx.send(Holder(tx.clone())));
            assert!(poll(send.as_mut(), Waker::noop()).is_pending());
        }
        // A value handed over and never picked up, dropped with the receiver.
        let mut rx = rx;
        {
            let mut recv = pin!(rx.recv());
            assert!(poll(recv.as_mut(), Waker::noop()).is_pending());
            assert!(poll(pin!(tx.send(Holder(tx.clone()))), Waker::noop()).is_ready());
        }
        drop(rx);
        drop(tx);
    });
}

#[test]
fn a_receiver_is_a_stream() {
    use tokio_stream::StreamExt;
    let got = within(STEP_DEADLINE, || {
        super::block_on(async {
            let (tx, rx) = unbuffered::channel();
            tokio::spawn(async move {
                for n in 1..=4 {
                    tx.send(n).await.unwrap();
                }
            });
            rx.map(|n| n * 10).collect::<Vec<_>>().await
        })
    });
    assert_eq!(got, [10, 20, 30, 40]);
}

/// Four senders on two workers, each send raced against a yield in `select!` so that many are
/// cancelled part-way: every send that reported success is received exactly once, and nothing is
/// received twice or out of its sender's order. (A send dropped after the receiver took its
/// value has delivered it without saying so: those are received too.)
#[test]
fn under_cancellation_on_two_workers_nothing_is_lost_or_doubled() {
    const SENDERS: u64 = 4;
    const EACH: u64 = 5_000;
    for _ in 0..3 {
        let (sent, received) = within(STEP_DEADLINE, || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .unwrap()
                .block_on(async {
                    let (tx, rx) = unbuffered::channel::<(u64, u64)>();
                    let senders: Vec<_> = (0..SENDERS)
                        .map(|id| tokio::spawn(send_some(tx.clone(), id, EACH)))
                        .collect();
                    drop(tx);
                    let received = tokio::spawn(receive_all(rx)).await.unwrap();
                    let mut sent = HashSet::new();
                    for sender in senders {
                        sent.extend(sender.await.unwrap());
                    }
                    (sent, received)
                })
        });
        let unique: HashSet<_> = received.iter().copied().collect();
        assert_eq!(unique.len(), received.len(), "a value came twice");
        let lost = sent.difference(&unique).count();
        assert_eq!(
            lost,
            0,
            "{lost} of {} values sent were never received",
            sent.len()
        );
        for id in 0..SENDERS {
            let order: Vec<u64> = received.iter().filter(|v| v.0 == id).map(|v| v.1).collect();
            assert!(order.is_sorted(), "sender {id}'s values out of order");
        }
        assert!(
            sent.len() as u64 > SENDERS * EACH / 100,
            "too few sends got through to test anything"
        );
    }
}

/// Sends `(id, n)` for n below `count`, each raced against a yield; the values it reports sent.
async fn send_some(tx: Sender<(u64, u64)>, id: u64, count: u64) -> Vec<(u64, u64)> {
    let mut sent = Vec::new();
    for n in 0..count {
        tokio::select! {
            done = tx.send((id, n)) => {
                done.expect("the receiver outlives the senders");
                sent.push((id, n));
            }
            () = tokio::task::yield_now(), if !n.is_multiple_of(3) => {} // cancelled: not sent
        }
    }
    sent
}

/// Receives until the channel closes, racing each recv against a yield.
async fn receive_all(mut rx: Receiver<(u64, u64)>) -> Vec<(u64, u64)> {
    let mut received = Vec::new();
    let mut turn = 0u64;
    loop {
        turn += 1;
        tokio::select! {
            value = rx.recv() => match value {
                Some(v) => received.push(v),
                None => return received,
            },
            () = tokio::task::yield_now(), if turn.is_multiple_of(2) => {}
        }
    }
}
