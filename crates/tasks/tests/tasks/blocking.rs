//! The `blocking` step and `heartbeat_gap`.
use chanlab_common::testing::{STEP_DEADLINE, fast_in_one_of_three, lesson_secs, within};
use chanlab_tasks::blocking::{self, heartbeat_gap};
use std::time::Duration;

const PACE: f64 = 0.5;

#[test]
fn a_blocking_call_stalls_the_heartbeat_and_spawn_blocking_does_not() {
    let t = fast_in_one_of_three(
        blocking::run,
        PACE,
        |t| {
            // The call holds the only thread for 0.6 s: no beat can come sooner, on any machine.
            let blocked = lesson_secs(&t.find("the whole call").unwrap().text, "heartbeats:", PACE);
            assert!(blocked >= 0.55, "{t}");
            let off = t.find("blocking call on the blocking pool: start").unwrap();
            assert_eq!(off.thread, "blocking", "{t}");
        },
        |t| lesson_secs(&t.find("about one beat").unwrap().text, "heartbeats:", PACE) < 0.35,
    );
    assert!(t.count("heartbeat") > 10, "{t}");
}

/// Without a blocking call the longest gap is about a beat: in one run of three, since a busy
/// machine can hold any thread for a while.
#[test]
fn heartbeat_gap_is_about_a_beat_when_nothing_blocks() {
    let gaps: Vec<Duration> = (0..3)
        .map(|_| {
            within(STEP_DEADLINE, || {
                super::block_on(async {
                    let beat = Duration::from_millis(5);
                    let work = tokio::time::sleep(Duration::from_millis(100));
                    heartbeat_gap(beat, || {}, work).await.1
                })
            })
        })
        .collect();
    assert!(
        gaps.iter().any(|gap| *gap < Duration::from_millis(50)),
        "{gaps:?}"
    );
}
