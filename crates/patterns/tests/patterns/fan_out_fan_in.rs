//! Tests of the `fan_out_fan_in` step, `fan_out` and `merge`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, one_run_in_three, run_step, within};
use chanlab_patterns::{fan_out, fan_out_fan_in, generate, merge};
use crossbeam_channel::{RecvTimeoutError, bounded};
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn the_step_squares_every_number_on_the_workers() {
    let t = run_step(fan_out_fan_in::run, 0.1);
    assert!(t.contains("sum of the squares of 1..=12: 650"), "{t}");
    for n in 1..=12 {
        let line = format!("squared {n}");
        let said = t.events.iter().filter(|e| e.text == line).count();
        assert_eq!(said, 1, "{line:?} said {said} times:\n{t}");
    }
    for e in t.events.iter().filter(|e| e.text.starts_with("squared")) {
        assert!(
            e.thread.starts_with("worker "),
            "squared off a worker:\n{t}"
        );
    }
}

/// A producer thread that sends `items` with `gap` between them, then closes its channel.
fn producer(items: Vec<u32>, gap: Duration) -> crossbeam_channel::Receiver<u32> {
    let (tx, rx) = bounded(0);
    thread::spawn(move || {
        for item in items {
            thread::sleep(gap);
            if tx.send(item).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn merge_delivers_every_item_of_every_input_in_each_inputs_order() {
    for _ in 0..5 {
        let got = no_threads_left(STEP_DEADLINE, || {
            let inputs = vec![
                producer(vec![], Duration::ZERO), // closes at once
                producer((100..110).collect(), Duration::ZERO),
                producer((200..205).collect(), Duration::from_millis(3)),
                producer((300..302).collect(), Duration::from_millis(15)), // closes last
            ];
            merge(inputs).iter().collect::<Vec<_>>()
        });
        let mut all = got.clone();
        all.sort_unstable();
        let expected: Vec<u32> = (100..110).chain(200..205).chain(300..302).collect();
        assert_eq!(all, expected, "an item lost or duplicated: {got:?}");
        for base in [100, 200, 300] {
            let one: Vec<u32> = got
                .iter()
                .copied()
                .filter(|n| n / 100 * 100 == base)
                .collect();
            assert!(one.is_sorted(), "input {base} reordered: {got:?}");
        }
    }
}

#[test]
fn merge_stays_open_while_any_input_is_open() {
    no_threads_left(STEP_DEADLINE, || {
        let (open_tx, open) = bounded(0);
        let merged = merge(vec![generate(vec![1, 2]), open, generate(vec![3])]);
        let mut got: Vec<i32> = (0..3).map(|_| merged.recv().unwrap()).collect();
        got.sort_unstable();
        assert_eq!(got, [1, 2, 3]);
        assert_eq!(
            merged.recv_timeout(Duration::from_millis(50)),
            Err(RecvTimeoutError::Timeout),
            "the output closed while an input was still open"
        );
        open_tx.send(4).unwrap();
        assert_eq!(merged.recv(), Ok(4));
        drop(open_tx);
        assert!(
            merged.recv().is_err(),
            "every input closed: so must the output"
        );
    });
}

#[test]
fn merge_of_nothing_is_closed() {
    within(STEP_DEADLINE, || {
        assert!(
            merge(Vec::<crossbeam_channel::Receiver<u8>>::new())
                .recv()
                .is_err()
        );
    });
}

#[test]
fn hanging_up_on_merge_stops_it_and_its_endless_inputs() {
    for _ in 0..10 {
        no_threads_left(STEP_DEADLINE, || {
            let merged = merge(vec![generate(0u64..), generate(0u64..), generate(0u64..)]);
            assert_eq!(merged.iter().take(20).count(), 20);
        });
    }
}

#[test]
fn fan_out_gives_each_item_to_one_worker_and_runs_them_in_parallel() {
    let sequential = Duration::from_millis(6 * 50);
    let run = || {
        let (got, took) = no_threads_left(STEP_DEADLINE, || {
            let start = Instant::now();
            let outputs = fan_out(&generate(0..6u32), 3, |n| {
                thread::sleep(Duration::from_millis(50));
                n
            });
            let mut got: Vec<u32> = merge(outputs).iter().collect();
            got.sort_unstable();
            (got, start.elapsed())
        });
        assert_eq!(got, [0, 1, 2, 3, 4, 5]);
        took
    };
    one_run_in_three("3 workers, 6 items of 50 ms", run, |took| {
        *took < sequential.mul_f64(0.7)
    });
}
