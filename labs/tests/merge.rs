//! Tests of the `merge` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/merge.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/merge.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, no_threads_left, within};
use crossbeam::channel::{Receiver, bounded};
use std::thread;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(3);

/// A channel that yields `values` after `delay`, then closes.
fn later(values: &'static [u32], delay: Duration) -> Receiver<u32> {
    let (tx, rx) = bounded(0);
    thread::spawn(move || {
        thread::sleep(delay);
        for value in values {
            if tx.send(*value).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn every_value_comes_out_and_then_the_output_closes() {
    let mut values = no_threads_left(DEADLINE, || {
        let inputs = vec![
            later(&[1, 2, 3], Duration::ZERO),
            later(&[10, 20], Duration::from_millis(30)),
            later(&[], Duration::ZERO),
            later(&[100], Duration::from_millis(10)),
        ];
        lab::merge(inputs).iter().collect::<Vec<_>>()
    });
    values.sort_unstable();
    assert_eq!(values, [1, 2, 3, 10, 20, 100]);
}

#[test]
fn a_slow_input_does_not_hold_back_the_others() {
    let (first, waited, rest) = within(DEADLINE, || {
        let start = Instant::now();
        let merged = lab::merge(vec![
            later(&[1], Duration::from_millis(600)),
            later(&[2], Duration::ZERO),
        ]);
        let first = merged.recv().expect("a value arrives");
        let waited = start.elapsed();
        (first, waited, merged.iter().collect::<Vec<_>>())
    });
    assert_eq!(
        first, 2,
        "the value that was ready at once should come out first: the inputs were read one after \
         another, so a slow input held back the others. Give each input a forwarding thread"
    );
    assert!(
        waited < Duration::from_millis(300),
        "the first value took {waited:?}: it waited for the slow input"
    );
    assert_eq!(rest, [1], "the slow value comes out too");
}

#[test]
fn no_inputs_close_the_output_at_once() {
    let values = no_threads_left(DEADLINE, || {
        lab::merge(Vec::<Receiver<u32>>::new())
            .iter()
            .collect::<Vec<_>>()
    });
    assert!(values.is_empty());
}

/// A channel that yields `values` one by one, `gap` apart, then closes.
fn spaced(values: &'static [u32], gap: Duration) -> Receiver<u32> {
    let (tx, rx) = bounded(0);
    thread::spawn(move || {
        for value in values {
            thread::sleep(gap);
            if tx.send(*value).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn forwarding_waits_without_spinning() {
    let (mut values, cpu) = within(DEADLINE, || {
        let inputs = vec![
            spaced(&[1, 2, 3], Duration::from_millis(150)),
            spaced(&[10, 20], Duration::from_millis(200)),
        ];
        cpu_used(|| lab::merge(inputs).iter().collect::<Vec<_>>())
    });
    values.sort_unstable();
    assert_eq!(values, [1, 2, 3, 10, 20]);
    if let Some(cpu) = cpu {
        cpu.assert_idle("waited for inputs that send every 150 to 200 ms");
    }
}
