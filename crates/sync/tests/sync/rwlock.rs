//! Tests of the `rwlock` step: readers share the lock, writers take turns.

use chanlab_common::Transcript;
use chanlab_common::testing::fast_in_one_of_three;
use chanlab_sync::rwlock::{self, READERS};
use std::time::Duration;

const PACE: f64 = 0.1;

#[test]
fn readers_overlap_and_writers_take_turns() {
    let scaled = |secs: f64| Duration::from_secs_f64(secs * PACE);
    let always = |t: &Transcript| {
        assert_eq!(t.count("reads v1"), READERS, "{t}");
        // The readers met at a barrier while holding the lock: all were inside at once.
        let readers = t.find("readers, ").expect("readers summary");
        assert!(
            readers.text.starts_with("4 readers, 4 inside at once"),
            "{t}"
        );
        let writers = t.find("writers, ").expect("writers summary");
        assert!(
            writers.text.starts_with("2 writers, 1 inside at once"),
            "{t}"
        );
        assert!(t.contains("config is now v"), "{t}");
        // Two 1 s writes, one at a time, take at least 2 s.
        assert!(
            writers.at - readers.at >= scaled(1.9),
            "the writes overlapped:\n{t}"
        );
    };
    // Four 1 s reads together take about 1 s; in turn they would take 4 s.
    let fast = |t: &Transcript| t.find("readers, ").unwrap().at < scaled(2.5);
    fast_in_one_of_three(rwlock::run, PACE, always, fast);
}
