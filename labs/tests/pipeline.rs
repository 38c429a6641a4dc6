//! Tests of the `pipeline` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/pipeline.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/pipeline.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{feed, no_threads_left, settle, threads_wind_down};
use crossbeam::channel::{Receiver, bounded};
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
    // The stages stop one after another once the consumer has gone: give them a moment.
    let first = threads_wind_down(DEADLINE, || {
        // Far more numbers than anyone will read: the stages must notice that nobody listens.
        let squares = lab::square(lab::filter_evens(lab::generate(1, u64::MAX / 2)));
        let first: Vec<u64> = squares.iter().take(3).collect();
        drop(squares);
        first
    });
    assert_eq!(first, [4, 16, 36]);
}

#[test]
fn generate_waits_for_its_reader() {
    let (first, buffered) = threads_wind_down(DEADLINE, || {
        let numbers = lab::generate(1, 100_000);
        let first = numbers.recv().ok();
        // The reader pauses: a stage with back-pressure waits for it.
        settle();
        (first, numbers.len())
    });
    assert_eq!(first, Some(1));
    assert!(
        buffered <= 1,
        "while its reader paused after one number, generate put {buffered} more in its channel: \
         it runs ahead without limit. Use bounded(0), like Go's unbuffered channel, so that a \
         slow reader slows it down"
    );
}

/// Runs `stage` on a feed of 0, 1, 2, …; takes `take` outputs, pauses, and says how many numbers
/// the stage took from its input and how many outputs it has waiting.
fn run_ahead(stage: fn(Receiver<u64>) -> Receiver<u64>, take: usize) -> (Vec<u64>, usize, usize) {
    threads_wind_down(DEADLINE, move || {
        let (input, fed) = feed(0..100_000u64);
        let out = stage(input);
        let got: Vec<u64> = out.iter().take(take).collect();
        settle();
        (got, fed.taken(), out.len())
    })
}

#[test]
fn the_stages_wait_for_their_reader() {
    for (name, stage, expected) in [
        (
            "filter_evens",
            lab::filter_evens as fn(_) -> _,
            vec![0, 2, 4],
        ),
        ("square", lab::square, vec![0, 1, 4]),
    ] {
        let (got, taken, waiting) = run_ahead(stage, 3);
        assert_eq!(got, expected, "{name}");
        assert!(
            taken <= 8 && waiting <= 1,
            "while its reader paused after 3 numbers, {name} took {taken} from its input and \
             has {waiting} waiting in its channel: it runs ahead without limit. Use bounded(0), \
             like Go's unbuffered channel, so that a slow reader slows the whole pipeline down"
        );
    }
}
