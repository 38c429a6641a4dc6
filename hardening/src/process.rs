//! This process's threads, as Linux's `/proc` reports them. (Its memory:
//! `chanlab_channels::goroutines::resident_bytes`.)

use std::thread;
use std::time::{Duration, Instant};

/// The names of this process's threads, or `None` where `/proc` does not list them.
pub fn thread_names() -> Option<Vec<String>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .map(|name| name.trim_end().to_owned())
            .collect(),
    )
}

/// Waits up to `grace` for every thread called `name` to exit, and returns how many are left
/// (`None` without `/proc`). Threads of ended connections exit a moment after their socket
/// closes, so a count taken at once would see some still on their way out.
pub fn settle_threads(name: &str, grace: Duration) -> Option<usize> {
    let give_up = Instant::now() + grace;
    loop {
        let left = thread_names()?.iter().filter(|n| *n == name).count();
        if left == 0 || Instant::now() >= give_up {
            return Some(left);
        }
        thread::sleep(Duration::from_millis(10));
    }
}
