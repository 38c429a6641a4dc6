//! Tests of the `cond` step and its `BoundedQueue`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use chanlab_sync::cond::{self, BoundedQueue, CAPACITY, ITEMS};
use std::thread;
use std::time::Duration;

const PACE: f64 = 0.1;

#[test]
fn a_full_queue_makes_the_producer_wait_and_broadcast_wakes_every_runner() {
    let t = run_step(cond::run, PACE);
    let popped: Vec<usize> = (1..=ITEMS)
        .map(|n| {
            t.position(&format!("popped {n}"))
                .expect("every item popped")
        })
        .collect();
    assert!(
        popped.windows(2).all(|w| w[0] < w[1]),
        "not first in, first out:\n{t}"
    );
    // The consumer starts after 1 s; until its first pop there is no room for item 3.
    let third = t.find(&format!("pushed {}", CAPACITY + 1)).unwrap();
    assert!(
        third.at >= Duration::from_secs_f64(0.95 * PACE),
        "pushed past the capacity without waiting:\n{t}"
    );
    let open = t.position("gate open").unwrap();
    for id in 1..=3 {
        let goes = t.position(&format!("runner {id} goes")).unwrap();
        assert!(goes > open, "runner {id} went before the gate opened:\n{t}");
    }
}

#[test]
fn the_queue_hands_every_item_over_in_order_over_many_rounds() {
    no_threads_left(STEP_DEADLINE, || {
        for round in 0..100 {
            let queue = BoundedQueue::new(1 + round % 3);
            let received: Vec<u32> = thread::scope(|s| {
                s.spawn(|| (0..200).for_each(|n| queue.push(n)));
                let consumer = s.spawn(|| (0..200).map(|_| queue.pop()).collect());
                consumer.join().unwrap()
            });
            assert_eq!(received, (0..200).collect::<Vec<_>>(), "round {round}");
            assert!(queue.is_empty());
        }
    });
}

#[test]
fn several_producers_and_consumers_lose_nothing() {
    no_threads_left(STEP_DEADLINE, || {
        let queue = BoundedQueue::new(2);
        let total: u64 = thread::scope(|s| {
            for p in 0..3u64 {
                let queue = &queue;
                s.spawn(move || (0..500).for_each(|n| queue.push(p * 1000 + n)));
            }
            let consumers: Vec<_> = (0..3)
                .map(|_| s.spawn(|| (0..500).map(|_| queue.pop()).sum::<u64>()))
                .collect();
            consumers.into_iter().map(|c| c.join().unwrap()).sum()
        });
        let expected: u64 = (0..3u64)
            .flat_map(|p| (0..500).map(move |n| p * 1000 + n))
            .sum();
        assert_eq!(total, expected);
    });
}

#[test]
#[should_panic(expected = "at least one item")]
fn a_queue_of_no_room_is_refused() {
    chanlab_common::testing::within(STEP_DEADLINE, || BoundedQueue::<u8>::new(0));
}
