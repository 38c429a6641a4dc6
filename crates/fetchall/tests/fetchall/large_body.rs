//! A large body is counted as it streams, never held in memory whole.

use crate::support::CountingServer;
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left};
use chanlab_fetchall::fetch::fetch;
use std::time::Duration;

/// The process's peak resident memory in KiB, where Linux reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_256_mib_body_is_counted_in_constant_memory() {
    const SIZE: u64 = 256 * 1024 * 1024;
    let before = peak_rss_kib();
    let fetched = no_threads_left(STEP_DEADLINE, || {
        let server = CountingServer::start(Duration::ZERO, SIZE);
        fetch(&ureq::Agent::new_with_defaults(), &server.url("/big")).unwrap()
    });
    assert_eq!(fetched.bytes, SIZE);
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let grew_mib = (after.saturating_sub(before)) / 1024;
        assert!(
            grew_mib < 32,
            "peak memory grew by {grew_mib} MiB fetching 256 MiB"
        );
    }
}
