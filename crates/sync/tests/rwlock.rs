//! Tests of the `rwlock` step: readers share the lock, writers take turns.
use chanlab_common::testing::run_step;
use chanlab_sync::rwlock::{self, READERS, WRITERS};
use std::time::Duration;

const PACE: f64 = 0.1;

#[test]
fn readers_overlap_and_writers_take_turns() {
    let t = run_step(rwlock::run, PACE);
    assert_eq!(t.count("reads v1"), READERS, "{t}");
    let readers = t.find("readers, ").expect("readers summary");
    // The readers met at a barrier while holding the lock: all were inside at once.
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
    // Four 1 s reads together take about 1 s (in turn, 4 s); two 1 s writes take 2 s.
    let scaled = |secs: f64| Duration::from_secs_f64(secs * PACE);
    assert!(readers.at >= scaled(0.95), "{t}");
    assert!(readers.at < scaled(2.5), "the reads did not overlap:\n{t}");
    let writing = writers.at - readers.at;
    assert!(writing >= scaled(1.9), "the writes overlapped:\n{t}");
    assert_eq!(WRITERS, 2);
}
