//! Tests of the `heartbeat` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/heartbeat.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/heartbeat.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, no_threads_left, timed, within};
use crossbeam::channel::{bounded, unbounded};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(2);
const PERIOD: Duration = Duration::from_millis(50);

#[test]
fn it_beats_until_done_closes_and_stops_at_once() {
    let (returned, beats, stopped_after) = no_threads_left(DEADLINE, || {
        let (done_tx, done) = bounded::<()>(0);
        let (beats_tx, beats) = unbounded();
        // A long period: a loop that looks at `done` only after each tick answers up to 400 ms
        // late here (ticks at 500, 1000 and 1500 ms; done closes at 1100).
        let period = Duration::from_millis(500);
        let beating = thread::spawn(move || lab::heartbeat(period, beats_tx, done));
        thread::sleep(Duration::from_millis(1100));
        let (returned, stopped_after) = timed(|| {
            drop(done_tx);
            beating.join().expect("heartbeat does not panic")
        });
        (
            returned,
            beats.try_iter().collect::<Vec<_>>(),
            stopped_after,
        )
    });
    assert!(
        (1..=2).contains(&returned),
        "{returned} beats in 1.1 s at one per 500 ms"
    );
    assert_eq!(
        beats,
        (1..=returned).collect::<Vec<_>>(),
        "beats are numbered from 1, and it returns how many it sent"
    );
    assert!(
        stopped_after < Duration::from_millis(250),
        "it stopped {stopped_after:?} after done closed: it should stop at once, not at the next tick"
    );
}

#[test]
fn a_closed_done_means_no_beat_at_all() {
    let (returned, beats) = within(DEADLINE, || {
        let (done_tx, done) = bounded::<()>(0);
        drop(done_tx);
        let (beats_tx, beats) = unbounded();
        let returned = lab::heartbeat(PERIOD, beats_tx, done);
        (returned, beats.try_iter().count())
    });
    assert_eq!(
        (returned, beats),
        (0, 0),
        "done was closed before the first tick"
    );
}

#[test]
fn it_stops_when_nobody_listens() {
    let returned = within(DEADLINE, || {
        let (_done_tx, done) = bounded::<()>(0);
        let (beats_tx, beats) = unbounded();
        drop(beats);
        lab::heartbeat(PERIOD, beats_tx, done)
    });
    assert!(returned <= 1, "{returned}");
}

#[test]
fn between_beats_it_waits_without_spinning() {
    let (returned, cpu) = no_threads_left(DEADLINE, || {
        let (done_tx, done) = bounded::<()>(0);
        let (beats_tx, _beats) = unbounded();
        cpu_used(|| {
            let beating =
                thread::spawn(move || lab::heartbeat(Duration::from_millis(200), beats_tx, done));
            thread::sleep(Duration::from_millis(700));
            drop(done_tx);
            beating.join().expect("heartbeat does not panic")
        })
    });
    assert!(
        (2..=4).contains(&returned),
        "{returned} beats in 0.7 s at one per 200 ms"
    );
    if let Some(cpu) = cpu {
        cpu.assert_idle("waited between beats 200 ms apart");
    }
}
