//! Tests of the `pipeline` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/pipeline.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/pipeline.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::no_threads_left;
use crossbeam::channel::bounded;
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(3);

#[test]
fn the_squares_of_the_evens_come_out_and_then_the_output_closes() {
    let squares = no_threads_left(DEADLINE, || {
        lab::square(lab::filter_evens(lab::generate(1, 10)))
            .iter()
            .collect::<Vec<_>>()
    });
    assert_eq!(squares, [4, 16, 36, 64, 100]);
}

#[test]
fn filter_evens_closes_when_its_input_closes() {
    let evens = no_threads_left(DEADLINE, || {
        let (tx, rx) = bounded(0);
        let feeder = thread::spawn(move || {
            for n in [3, 8, 5, 6, 0, 7] {
                tx.send(n).expect("the filter reads its input");
            }
        });
        let evens: Vec<u64> = lab::filter_evens(rx).iter().collect();
        feeder.join().expect("the feeder does not panic");
        evens
    });
    assert_eq!(evens, [8, 6, 0]);
}

#[test]
fn every_stage_stops_when_the_consumer_stops_reading() {
    let first = no_threads_left(DEADLINE, || {
        // Far more numbers than anyone will read: the stages must notice that nobody listens.
        let squares = lab::square(lab::filter_evens(lab::generate(1, u64::MAX / 2)));
        let first: Vec<u64> = squares.iter().take(3).collect();
        drop(squares);
        first
    });
    assert_eq!(first, [4, 16, 36]);
}
