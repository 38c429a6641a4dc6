//! Tests of the `fix_leak` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fix_leak.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fix_leak.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, settle, timed, within};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(3);

#[test]
fn the_janitor_sweeps_expired_entries() {
    let (fresh, expired, left) = within(DEADLINE, || {
        let cache = lab::Cache::new(Duration::from_millis(100));
        cache.insert("k", "v");
        let fresh = cache.get("k");
        thread::sleep(Duration::from_millis(300));
        (fresh, cache.get("k"), cache.len())
    });
    assert_eq!(fresh.as_deref(), Some("v"));
    assert_eq!(expired, None, "the entry expired after 100 ms");
    assert_eq!(
        left, 0,
        "the janitor should have swept the expired entry out"
    );
}

#[test]
fn dropping_a_cache_ends_its_janitor() {
    no_threads_left(DEADLINE, || {
        for _ in 0..10 {
            let cache = lab::Cache::new(Duration::from_millis(40));
            cache.insert("k", "v");
        }
    });
}

#[test]
fn a_cache_with_a_long_life_is_dropped_at_once() {
    // A janitor that only looks up between hour-long sweeps would linger: it must hear the drop.
    // The cache is dropped once its janitor is asleep: a janitor told before its first look would
    // end at once, and hide the mistake.
    let took = no_threads_left(DEADLINE, || {
        let cache = lab::Cache::new(Duration::from_secs(3600));
        cache.insert("k", "v");
        settle();
        // The drop on a thread of its own: one that waits for the janitor's next sweep waits
        // half an hour, and the test says so instead of hanging.
        let (dropped_tx, dropped) = mpsc::channel();
        thread::spawn(move || {
            let took = timed(|| drop(cache)).1;
            let _ = dropped_tx.send(took);
        });
        let late = "dropping a cache whose janitor sweeps every half hour had not returned \
                        after 1 s: the drop waits for a janitor that only looks up between \
                        sweeps. Let the pause between sweeps be the ear too (recv_timeout on a \
                        channel the drop closes)";
        dropped.recv_timeout(Duration::from_secs(1)).expect(late)
    });
    assert!(
        took < Duration::from_millis(500),
        "dropping the cache took {took:?}"
    );
}
