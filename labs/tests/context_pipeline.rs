//! Tests of the `context_pipeline` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/context_pipeline.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/context_pipeline.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::no_threads_left;
use crossbeam::channel::{RecvTimeoutError, bounded};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(3);

#[test]
fn the_squares_come_in_order() {
    let first = no_threads_left(DEADLINE, || {
        let (ctx, cancel) = lab::with_cancel();
        let squares = lab::square(&ctx, lab::count(&ctx));
        let first: Vec<u64> = squares.iter().take(5).collect();
        cancel.cancel();
        drop(squares);
        first
    });
    assert_eq!(first, [1, 4, 9, 16, 25]);
}

#[test]
fn cancel_stops_every_stage_while_the_consumer_keeps_its_receiver() {
    // The consumer keeps `squares` without reading from it until after the thread check: no send
    // fails, so only the context can stop the stages.
    let squares = no_threads_left(DEADLINE, || {
        let (ctx, cancel) = lab::with_cancel();
        let squares = lab::square(&ctx, lab::count(&ctx));
        assert_eq!(squares.recv().ok(), Some(1));
        cancel.cancel();
        squares
    });
    drop(squares);
}

#[test]
fn cancel_stops_square_while_it_waits_to_send() {
    // square takes 2 from an input of the test's own (a rendezvous: the send returns once it is
    // taken), then waits to hand on 4 to a consumer that keeps its receiver without reading: no
    // send fails and the input stays open until after the thread check, so only the context can
    // stop it.
    let (input_tx, input) = bounded::<u64>(0);
    let (squares, input_tx) = no_threads_left(DEADLINE, move || {
        let (ctx, cancel) = lab::with_cancel();
        let squares = lab::square(&ctx, input);
        input_tx.send(1).expect("square takes a number");
        assert_eq!(squares.recv().ok(), Some(1));
        input_tx.send(2).expect("square takes the next number");
        cancel.cancel();
        (squares, input_tx)
    });
    drop((squares, input_tx));
}

#[test]
fn cancel_stops_a_stage_waiting_for_input() {
    // An input that never sends, and stays open until after the thread check.
    let (input_tx, input) = bounded::<u64>(0);
    let closed = no_threads_left(DEADLINE, move || {
        let (ctx, cancel) = lab::with_cancel();
        let squares = lab::square(&ctx, input);
        cancel.cancel();
        squares.recv_timeout(Duration::from_secs(1))
    });
    drop(input_tx);
    assert_eq!(
        closed,
        Err(RecvTimeoutError::Disconnected),
        "once cancelled, the stage should stop and so close its output"
    );
}

#[test]
fn cancel_stops_count_while_its_reader_keeps_the_receiver() {
    // The reader keeps `numbers` without reading until after the thread check: count's next send
    // neither succeeds nor fails, so only the context can stop it.
    let numbers = no_threads_left(DEADLINE, || {
        let (ctx, cancel) = lab::with_cancel();
        let numbers = lab::count(&ctx);
        assert_eq!(numbers.recv().ok(), Some(1));
        cancel.cancel();
        numbers
    });
    drop(numbers);
}
