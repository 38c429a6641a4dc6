//! Test helpers: a deadline instead of a hang, and a check that no thread is left behind.
//!
//! Every blocking test runs under [`within`] (or [`run_step`], which uses the same deadline), so
//! a deadlock fails the test with a message instead of hanging CI.
//!
//! Thread accounting is per process, and the test harness runs tests in parallel, so the checks
//! that count threads ([`no_threads_left`], [`run_step`]) take a process-wide gate exclusively
//! while [`within`] takes it shared, and threads waiting at the gate are not counted: in a test
//! binary whose tests do their work inside these helpers, a leak check never sees another test's
//! threads.

use crate::unpoisoned;
use crate::{Cx, Transcript};
use std::cell::Cell;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

/// The deadline [`run_step`] gives a step: generous, since tests run steps at a fast pace.
pub const STEP_DEADLINE: Duration = Duration::from_secs(30);

/// How long threads may take to exit after the code that started them has returned.
const EXIT_GRACE: Duration = Duration::from_secs(2);

static GATE: RwLock<()> = RwLock::new(());

/// Threads blocked at the gate: test threads the harness has started meanwhile, not leaks.
static WAITING: Mutex<Vec<u64>> = Mutex::new(Vec::new());

thread_local! {
    static HOLDS_GATE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` and returns its result, or panics if it has not finished by `deadline`.
///
/// A panic inside `f` is passed on unchanged. On a timeout the thread running `f` is abandoned
/// (it cannot be killed); the test fails at once with a message instead of hanging.
///
/// ```
/// use chanlab_common::testing::within;
/// use std::time::Duration;
///
/// let sum = within(Duration::from_secs(5), || (1..=10).sum::<i32>());
/// assert_eq!(sum, 55);
/// ```
///
/// ```should_panic
/// # use chanlab_common::testing::within;
/// # use std::time::Duration;
/// let (_tx, rx) = std::sync::mpsc::channel::<()>();
/// within(Duration::from_millis(50), move || rx.recv()); // nobody sends: a deadlock
/// ```
pub fn within<T: Send + 'static>(deadline: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let _gate = enter(false);
    let name = thread::current().name().unwrap_or("test").to_owned();
    with_deadline(deadline, name, f)
}

/// Runs `f` under `deadline` and then checks that every thread started meanwhile has exited,
/// waiting a moment for threads that are just finishing.
///
/// Panics naming the leftover threads if any remain. On systems without `/proc` the thread check
/// is skipped and only the deadline applies.
pub fn no_threads_left<T: Send + 'static>(
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let _gate = enter(true);
    let before = every_thread();
    let result = with_deadline(deadline, "main".to_owned(), f);
    if let Some(before) = before {
        let left = wait_for_exit(&before, EXIT_GRACE);
        assert!(
            left.is_empty(),
            "threads left behind after the code under test returned: {left:?}"
        );
    }
    result
}

/// Runs a step at `pace` with a deadline, checks it leaves no thread behind, and returns what it
/// said. Panics if the step returns an error.
pub fn run_step(run: fn(&Cx) -> anyhow::Result<()>, pace: f64) -> Transcript {
    run_step_with_args(run, pace, &[])
}

/// [`run_step`] with command-line arguments for the step.
pub fn run_step_with_args(
    run: fn(&Cx) -> anyhow::Result<()>,
    pace: f64,
    args: &[&str],
) -> Transcript {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    // The context is made inside, once the gate is taken, so the step's clock starts with the
    // step; the slot keeps it reachable to show what the step said if it hangs or panics.
    let slot: Arc<Mutex<Option<Cx>>> = Arc::default();
    let step_slot = slot.clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        no_threads_left(STEP_DEADLINE, move || {
            let cx = Cx::capture(pace).with_args(args);
            *unpoisoned(step_slot.lock()) = Some(cx.clone());
            run(&cx)
        })
    }));
    let transcript = unpoisoned(slot.lock())
        .as_ref()
        .map(Cx::transcript)
        .unwrap_or_default();
    match outcome {
        Ok(Ok(())) => transcript,
        Ok(Err(error)) => panic!("step failed: {error:#}\ntranscript:\n{transcript}"),
        Err(panic) => {
            eprintln!("the step said, before it failed:\n{transcript}");
            std::panic::resume_unwind(panic)
        }
    }
}

/// Runs a step at `pace` until `fast` accepts a run, at most three times, checking `always` on
/// every run; returns the accepted run's transcript.
///
/// An upper bound on time claims that work overlapped, and a loaded machine can stall any single
/// run past it: so one run in three must show it, while what must always hold (lower bounds,
/// limits, the transcript) is checked on every run. Panics with the last transcript if no run is
/// fast enough.
pub fn fast_in_one_of_three(
    run: fn(&Cx) -> anyhow::Result<()>,
    pace: f64,
    always: impl Fn(&Transcript),
    fast: impl Fn(&Transcript) -> bool,
) -> Transcript {
    let mut last = Transcript::default();
    for _ in 0..3 {
        last = run_step(run, pace);
        always(&last);
        if fast(&last) {
            return last;
        }
    }
    panic!("not fast enough in three runs; the last:\n{last}");
}

/// Measures up to three times until `fast` accepts a measure, and returns the accepted one;
/// panics with `what` and every measure if none was fast enough.
///
/// [`fast_in_one_of_three`] for work that is not a step: an upper bound on time (work that
/// overlapped finishing sooner than one item after another would) holds on a quiet machine, and a
/// loaded one can stall any single run past it.
///
/// ```
/// use chanlab_common::testing::one_run_in_three;
/// use std::time::{Duration, Instant};
///
/// let took = one_run_in_three(
///     "two 20 ms sleeps at once",
///     || {
///         let start = Instant::now();
///         std::thread::scope(|s| {
///             s.spawn(|| std::thread::sleep(Duration::from_millis(20)));
///             std::thread::sleep(Duration::from_millis(20));
///         });
///         start.elapsed()
///     },
///     |took| *took < Duration::from_millis(35),
/// );
/// assert!(took >= Duration::from_millis(20));
/// ```
pub fn one_run_in_three<T: std::fmt::Debug>(
    what: &str,
    mut measure: impl FnMut() -> T,
    fast: impl Fn(&T) -> bool,
) -> T {
    let mut measures = Vec::new();
    for _ in 0..3 {
        let measure = measure();
        if fast(&measure) {
            return measure;
        }
        measures.push(measure);
    }
    panic!("{what}: not fast enough in three runs: {measures:?}");
}

/// The seconds on the lesson's clock that `line` tells after `marker`, from a step run at `pace`.
///
/// At pace 1 that is the first figure after `marker` (`done in 4.0s`). At any other pace the line
/// must tell the time as run and the time at pace 1, as [`crate::Seconds`] prints them
/// (`done in 0.20s (4.0s at pace 1)`), and the two must agree to their rounding: a step that
/// prints a lesson figure as if it were the time as run fails here.
///
/// ```
/// use chanlab_common::testing::lesson_secs;
///
/// assert_eq!(lesson_secs("done in 4.0s, sum 650", "done in", 1.0), 4.0);
/// assert_eq!(lesson_secs("done in 0.20s (4.0s at pace 1)", "done in", 0.05), 4.0);
/// ```
///
/// ```should_panic
/// # use chanlab_common::testing::lesson_secs;
/// lesson_secs("done in 4.0s, sum 650", "done in", 0.05); // a lesson figure told as real
/// ```
pub fn lesson_secs(line: &str, marker: &str, pace: f64) -> f64 {
    let fail = |why: &str| -> ! { panic!("{why} after {marker:?} at pace {pace} in {line:?}") };
    let rest = line
        .split_once(marker)
        .map_or_else(|| fail("no marker"), |(_, rest)| rest.trim_start());
    // A figure and its last digit's half unit (what rounding may have moved it by), then the rest.
    fn figure(text: &str) -> Option<(f64, f64, &str)> {
        let end = text
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(text.len());
        let value = text[..end].parse().ok()?;
        let decimals = text[..end].split_once('.').map_or(0, |(_, d)| d.len());
        Some((value, 0.5 / 10f64.powi(decimals as i32), &text[end..]))
    }
    let (first, first_half, rest) = figure(rest).unwrap_or_else(|| fail("no seconds"));
    if pace == 1.0 {
        return first;
    }
    let (lesson, lesson_half, _) = rest
        .strip_prefix("s (")
        .and_then(figure)
        .filter(|(_, _, rest)| rest.starts_with("s at pace 1)"))
        .unwrap_or_else(|| fail("no \"X s (Y s at pace 1)\""));
    let slack = first_half + lesson_half * pace + 1e-9;
    if (first - lesson * pace).abs() > slack {
        fail("the times as run and at pace 1 disagree");
    }
    lesson
}

/// Runs `command` to its end and returns its status and what it printed; kills it and panics if
/// it has not ended by `deadline`.
///
/// For tests that must watch a program from outside: one that is meant to fail, or to meet a
/// limit that only its own process should meet.
pub fn output_within(deadline: Duration, command: &mut Command) -> Output {
    // Shared, as `within` holds it: the threads reading the pipes are no other test's leak.
    let _gate = enter(false);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {command:?}: {e}"));
    let read_all = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = read_all(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = read_all(child.stderr.take().map(|p| Box::new(p) as _));
    let give_up = Instant::now() + deadline;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < give_up => thread::sleep(Duration::from_millis(10)),
            outcome => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{command:?} did not end within {deadline:?} ({outcome:?}): killed it");
            }
        }
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// Lets `command`'s process start only about `threads` more threads than its user runs now,
/// through the system's own limit on a user's processes and threads (`ulimit -u`,
/// `RLIMIT_NPROC`): a test meets a real refusal from the system without coming near the
/// machine's limits.
///
/// Root is not held to that limit, so as root the command runs as the user `nobody` (uid 65534),
/// whose threads are the ones counted; its executable must then be readable by everyone.
#[cfg(target_os = "linux")]
pub fn limit_threads(command: &mut Command, threads: u64) {
    use std::os::unix::process::CommandExt;
    const NOBODY: u32 = 65534;
    let uid = match user_of("/proc/self") {
        Some(0) | None => {
            command.uid(NOBODY).gid(NOBODY);
            NOBODY
        }
        Some(uid) => uid,
    };
    let limit = threads + threads_of_user(uid);
    let rlimit = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: the closure runs in the child between fork and exec, and calls only setrlimit,
    // which is async-signal-safe, on a value it owns.
    #[allow(unsafe_code)]
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_NPROC, &rlimit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
}

/// The real user id of the process at `dir` (a `/proc/<pid>` directory).
#[cfg(target_os = "linux")]
fn user_of(dir: &str) -> Option<u32> {
    let status = std::fs::read_to_string(format!("{dir}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// How many threads the user `uid` runs on the machine: what `RLIMIT_NPROC` counts.
#[cfg(target_os = "linux")]
fn threads_of_user(uid: u32) -> u64 {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return 0;
    };
    processes
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let dir = path.to_str()?;
            if user_of(dir)? != uid {
                return None;
            }
            Some(std::fs::read_dir(path.join("task")).ok()?.count() as u64)
        })
        .sum()
}

/// The number of threads in this process, where the system says (`/proc` on Linux).
pub fn thread_count() -> Option<usize> {
    threads().map(|t| t.len())
}

struct GateGuard<'a> {
    _read: Option<std::sync::RwLockReadGuard<'a, ()>>,
    _write: Option<std::sync::RwLockWriteGuard<'a, ()>>,
}

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        HOLDS_GATE.set(false);
    }
}

fn enter(exclusive: bool) -> GateGuard<'static> {
    assert!(
        !HOLDS_GATE.get(),
        "within/no_threads_left/run_step do not nest: each already has a deadline"
    );
    HOLDS_GATE.set(true);
    let tid = current_tid();
    if let Some(tid) = tid {
        unpoisoned(WAITING.lock()).push(tid);
    }
    let guard = if exclusive {
        GateGuard {
            _read: None,
            _write: Some(unpoisoned(GATE.write())),
        }
    } else {
        GateGuard {
            _read: Some(unpoisoned(GATE.read())),
            _write: None,
        }
    };
    if let Some(tid) = tid {
        unpoisoned(WAITING.lock()).retain(|t| *t != tid);
    }
    guard
}

/// This thread's id as the system knows it, where `/proc` tells.
fn current_tid() -> Option<u64> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// Runs `f` on a thread called `name` and waits for it until `deadline`.
fn with_deadline<T: Send + 'static>(
    deadline: Duration,
    name: String,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::sync_channel(1);
    let worker = thread::Builder::new()
        .name(name)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(outcome);
        })
        .expect("spawn the thread under test");
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
            "did not finish within {deadline:?}: a deadlock, a lost wake-up, \
             or a receive that no sender will ever answer"
        ),
    }
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
/// can skip a live thread (the listing shifts under the reader), and a thread missing from the
/// snapshot taken before the code under test would later look like a leak.
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

/// Waits up to `grace` for every thread not in `before` to exit; returns the names of those left.
fn wait_for_exit(before: &[u64], grace: Duration) -> Vec<String> {
    let give_up = Instant::now() + grace;
    loop {
        let new: Vec<u64> = threads()
            .unwrap_or_default()
            .into_iter()
            .filter(|tid| !before.contains(tid) && !unpoisoned(WAITING.lock()).contains(tid))
            .collect();
        if new.is_empty() || Instant::now() >= give_up {
            return new
                .iter()
                .map(|tid| {
                    let comm = std::fs::read_to_string(format!("/proc/self/task/{tid}/comm"));
                    format!("{tid} {:?}", comm.unwrap_or_default().trim_end())
                })
                .collect();
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    #[should_panic(expected = "did not finish within")]
    fn a_hang_becomes_a_failure() {
        within(Duration::from_millis(20), || {
            thread::sleep(Duration::from_secs(5))
        });
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panic_is_passed_on() {
        within(Duration::from_secs(5), || panic!("boom"));
    }

    #[test]
    fn a_leaked_thread_is_named() {
        let release = Arc::new(AtomicBool::new(false));
        let flag = release.clone();
        let caught = std::panic::catch_unwind(|| {
            no_threads_left(Duration::from_secs(5), move || {
                thread::Builder::new()
                    .name("leaky".into())
                    .spawn(move || {
                        while !flag.load(Ordering::Acquire) {
                            thread::sleep(Duration::from_millis(1));
                        }
                    })
                    .unwrap();
            })
        });
        release.store(true, Ordering::Release);
        if thread_count().is_some() {
            let message = *caught.unwrap_err().downcast::<String>().unwrap();
            assert!(message.contains("leaky"), "{message}");
        }
    }

    #[test]
    fn joined_threads_pass() {
        no_threads_left(Duration::from_secs(5), || {
            let handles: Vec<_> = (0..8).map(|_| thread::spawn(|| ())).collect();
            handles.into_iter().for_each(|h| h.join().unwrap());
        });
    }

    #[test]
    #[should_panic(expected = "do not nest")]
    fn nesting_is_refused() {
        within(Duration::from_secs(5), || ()); // fine
        let _outer = enter(false);
        within(Duration::from_secs(5), || ());
    }
}
