//! Tests of the `fix_leak` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fix_leak.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fix_leak.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, settle, timed, within};
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
        timed(|| drop(cache)).1
    });
    assert!(
        took < Duration::from_millis(500),
        "dropping the cache took {took:?}"
    );
}
