//! The harness every lab's tests share: a deadline instead of a hang, a check that no thread is
//! left behind, a way to let started threads reach their wait, and a stopwatch.
//!
//! The tests of one lab run in one process, and the test harness may run them in parallel. Each
//! helper here takes a process-wide gate, so the tests of a lab run one at a time whatever
//! `--test-threads` says: timing checks are not disturbed by a neighbour, and a thread count sees
//! only the threads of the test being run. Threads the harness starts meanwhile and that are
//! waiting at the gate are not counted as leaks.

use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// How long threads may take to exit after the code that started them has returned.
pub const EXIT_GRACE: Duration = Duration::from_secs(1);

static GATE: Mutex<()> = Mutex::new(());

/// Threads blocked at the gate: test threads started meanwhile, not leaks.
static WAITING: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// Runs `f` and returns its result, or panics if it has not finished by `deadline`.
///
/// A panic inside `f` is passed on. On a timeout the thread running `f` is abandoned (a thread
/// cannot be killed) and the test fails at once with a message, instead of hanging.
#[track_caller]
pub fn within<T: Send + 'static>(deadline: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let _gate = enter();
    with_deadline(deadline, f)
}

/// Runs `f` under `deadline`, then checks that every thread started meanwhile has exited, giving
/// them [`EXIT_GRACE`] to finish. Panics naming the threads left behind.
///
/// Where the system does not list a process's threads (no `/proc`), only the deadline applies.
#[track_caller]
pub fn no_threads_left<T: Send + 'static>(
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let _gate = enter();
    let before = every_thread();
    let result = with_deadline(deadline, f);
    if let Some(before) = before {
        let left = wait_for_exit(&before);
        assert!(
            left.is_empty(),
            "{} still running {EXIT_GRACE:?} after your code returned: {}. Every thread you \
             start needs a way to end (a channel that closes, a stop signal) and someone who \
             waits for it to end (join)",
            if left.len() == 1 {
                "a thread".to_string()
            } else {
                format!("{} threads", left.len())
            },
            left[..left.len().min(3)].join("; ")
        );
    }
    result
}

/// Waits until every other thread of the process is blocked (asleep, or waiting on a channel, a
/// lock or the network), for a second at most: call it where a test must know that the threads
/// the code started have reached their wait (a janitor in its sleep, a worker at its queue)
/// before it acts. A thread that never blocks (a busy loop) just makes it return after the second.
///
/// Where the system does not list a process's threads (no `/proc`), it sleeps 100 ms instead.
pub fn settle() {
    let give_up = Instant::now() + Duration::from_secs(1);
    let me = current_tid();
    let Some(mut others) = threads() else {
        thread::sleep(Duration::from_millis(100));
        return;
    };
    while Instant::now() < give_up {
        others.retain(|tid| Some(*tid) != me && !matches!(state(*tid), Some('S' | 'D') | None));
        if others.is_empty() {
            return;
        }
        thread::sleep(Duration::from_millis(1));
        others = threads().unwrap_or_default();
    }
}

/// Runs `f` and says how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A failed test may poison the gate; the next test must still run.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn enter() -> MutexGuard<'static, ()> {
    let tid = current_tid();
    if let Some(tid) = tid {
        lock(&WAITING).push(tid);
    }
    let guard = lock(&GATE);
    if let Some(tid) = tid {
        lock(&WAITING).retain(|t| *t != tid);
    }
    guard
}

#[track_caller]
fn with_deadline<T: Send + 'static>(
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::sync_channel(1);
    let worker = thread::Builder::new()
        .name(CODE_THREAD.into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(outcome);
        })
        .expect("start the thread under test");
    match rx.recv_timeout(deadline) {
        Ok(Ok(value)) => {
            let _ = worker.join();
            value
        }
        Ok(Err(payload)) => {
            let _ = worker.join();
            std::panic::resume_unwind(payload)
        }
        Err(_) => panic!(
            "did not finish within {deadline:?}: a deadlock, a thread waiting for a message \
             nobody sends, or a loop that never ends"
        ),
    }
}

/// The name of the thread that runs the code under test. Linux gives a new thread its creator's
/// name unless it is given one, so the threads the code starts are called this too.
const CODE_THREAD: &str = "lab-code";

/// A thread's state letter from `/proc` (`R` running, `S` asleep or waiting, `D` waiting on the
/// system), or `None` once it has gone.
fn state(tid: u64) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.chars().next()
}

/// A leftover thread in a student's words: whose it is and, where `/proc` tells, what it is doing.
fn describe(tid: u64) -> String {
    let read = |file: &str| std::fs::read_to_string(format!("/proc/self/task/{tid}/{file}"));
    let name = read("comm").unwrap_or_default().trim_end().to_string();
    let whose = if name == CODE_THREAD || name.is_empty() {
        "a thread your code started".to_string()
    } else {
        format!("a thread your code started, named {name:?}")
    };
    let wchan = read("wchan").unwrap_or_default();
    let doing = match state(tid) {
        None => return format!("{whose} (it has ended since)"),
        Some('R') => "still running",
        Some(_) if wchan.contains("sleep") => "asleep in a sleep (thread::sleep, or a timed wait)",
        Some(_) if wchan.contains("futex") => "waiting on a channel, a lock, a Condvar or a join",
        Some(_)
            if ["poll", "accept", "sk_wait", "wait_woken", "tcp", "inet"]
                .iter()
                .any(|w| wchan.contains(w)) =>
        {
            "waiting on the network"
        }
        Some(_) => "waiting",
    };
    format!("{whose}, {doing}")
}

/// This thread's id as the system knows it, where `/proc` tells.
fn current_tid() -> Option<u64> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// The ids of this process's threads, or `None` where the system does not list them.
fn threads() -> Option<Vec<u64>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .filter_map(|t| t.ok()?.file_name().to_str()?.parse().ok())
            .collect(),
    )
}

/// [`threads`], read three times and merged: a read of `/proc/self/task` while other threads exit
/// can skip a live thread, and one missing from the snapshot would later look like a leak.
fn every_thread() -> Option<Vec<u64>> {
    let mut all = threads()?;
    for _ in 0..2 {
        for tid in threads()? {
            if !all.contains(&tid) {
                all.push(tid);
            }
        }
    }
    Some(all)
}

/// Waits up to [`EXIT_GRACE`] for every thread not in `before` to exit; names those left.
fn wait_for_exit(before: &[u64]) -> Vec<String> {
    let give_up = Instant::now() + EXIT_GRACE;
    loop {
        let new: Vec<u64> = threads()
            .unwrap_or_default()
            .into_iter()
            .filter(|tid| !before.contains(tid) && !lock(&WAITING).contains(tid))
            .collect();
        if new.is_empty() || Instant::now() >= give_up {
            return new.into_iter().map(describe).collect();
        }
        thread::sleep(Duration::from_millis(5));
    }
}
