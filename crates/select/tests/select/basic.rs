//! Tests of the `basic` step: select takes whichever channel is ready first.
use chanlab_common::Transcript;
use chanlab_common::testing::fast_in_one_of_three;
use chanlab_select::basic;
use std::time::Duration;

const PACE: f64 = 0.25;

fn scaled(secs: f64) -> Duration {
    Duration::from_secs_f64(secs * PACE)
}

/// When the slower message arrived.
fn done(t: &Transcript) -> Duration {
    t.find("Received: message from ch1")
        .expect("ch1 received")
        .at
}

#[test]
fn two_producers_take_the_slower_time_not_the_sum() {
    let always = |t: &Transcript| {
        assert!(
            t.contains("Received: message from ch2"),
            "ch2 not received:\n{t}"
        );
        assert!(
            done(t) >= scaled(2.0 * 0.95),
            "finished before the slower producer could:\n{t}"
        );
        // Each producer speaks from its own named thread (a lane in --timeline)...
        for (thread, line) in [
            ("ch1 sender", "sending on ch1"),
            ("ch2 sender", "sending on ch2"),
        ] {
            let event = t
                .find(line)
                .unwrap_or_else(|| panic!("{line:?} missing:\n{t}"));
            assert_eq!(event.thread, thread, "{t}");
        }
        // ...and sends just before main receives: the lanes meet at the hand-off.
        assert!(t.position("sending on ch2") < t.position("Received: message from ch2"));
    };
    // The max of the two delays is 2 s, their sum 3 s; the 1 s producer comes first, 250 ms
    // ahead at this pace, which a loaded machine can overrun once.
    let fast = |t: &Transcript| {
        let first =
            t.position("Received: message from ch2") < t.position("Received: message from ch1");
        first && done(t) < scaled(2.5)
    };
    fast_in_one_of_three(basic::run, PACE, always, fast);
}
