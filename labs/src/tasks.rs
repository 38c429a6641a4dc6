//! The threads of this process, as Linux's `/proc/self/task` lists them: which exist, what each
//! is doing, how much CPU it has used, and which belong to the harness rather than to the code
//! under test. Elsewhere (no `/proc`) the listing functions return `None` and the checks that need
//! them are skipped.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The name of the thread that runs the code under test. Linux gives a new thread its creator's
/// name unless it is given one, so the threads the code starts are called this too.
pub(crate) const CODE_THREAD: &str = "lab-code";

/// Threads of the harness itself (probes, tests waiting at the gate): never the code's.
static HARNESS: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// The threads that were alive when the test being run started its code: never this test's
/// (a thread an earlier test left behind, say).
static EARLIER: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// Records the threads alive now as [`EARLIER`] than the test about to run, and returns them.
pub(crate) fn mark_earlier() -> Option<Vec<u64>> {
    let alive = every();
    *lock(&EARLIER) = alive.clone().unwrap_or_default();
    alive
}

/// The threads that exist now and are neither [`EARLIER`] than this test, nor the harness's, nor
/// the calling thread.
pub(crate) fn this_tests() -> Vec<u64> {
    started_since(&lock(&EARLIER))
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A failed test may poison a lock; the next test must still run.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// While it lives, the thread that made it counts as the harness's (or the test's): the probes
/// and the thread checks leave it out. A test's own helpers that run beside the code under test
/// (a local server's threads) take one, so that only the code's threads are measured.
pub struct HarnessThread(Option<u64>);

impl HarnessThread {
    /// Marks the calling thread until the guard is dropped.
    pub fn enter() -> HarnessThread {
        let tid = current();
        if let Some(tid) = tid {
            lock(&HARNESS).push(tid);
        }
        HarnessThread(tid)
    }
}

impl Drop for HarnessThread {
    fn drop(&mut self) {
        if let Some(tid) = self.0 {
            lock(&HARNESS).retain(|t| *t != tid);
        }
    }
}

/// Whether `tid` counts as the harness's now. A test's thread that started after a check began
/// waits for the gate as the harness's: the check must stop following it then.
pub(crate) fn is_harness(tid: u64) -> bool {
    lock(&HARNESS).contains(&tid)
}

/// This thread's id as the system knows it.
pub(crate) fn current() -> Option<u64> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// The ids of this process's threads.
pub(crate) fn list() -> Option<Vec<u64>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .filter_map(|t| t.ok()?.file_name().to_str()?.parse().ok())
            .collect(),
    )
}

/// [`list`], read three times and merged: a read of `/proc/self/task` while other threads exit
/// can skip a live thread, and one missing from a snapshot would later look like the code's.
pub(crate) fn every() -> Option<Vec<u64>> {
    let mut all = list()?;
    for _ in 0..2 {
        for tid in list()? {
            if !all.contains(&tid) {
                all.push(tid);
            }
        }
    }
    Some(all)
}

/// The threads that exist now and did not in `before`, other than the harness's and this one.
pub(crate) fn started_since(before: &[u64]) -> Vec<u64> {
    let me = current();
    let harness = lock(&HARNESS).clone();
    list()
        .unwrap_or_default()
        .into_iter()
        .filter(|tid| !before.contains(tid) && !harness.contains(tid) && Some(*tid) != me)
        .collect()
}

/// What `/proc` says about one thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Task {
    /// `R` running or ready to, `S` asleep or waiting, `D` waiting on the system.
    pub(crate) state: char,
    /// Past the end of its code: the kernel is taking it down (`PF_EXITING`). A joined thread is
    /// always at least this far.
    pub(crate) exiting: bool,
    /// The CPU time it has used.
    pub(crate) cpu: Duration,
}

/// The thread `tid`, or `None` once it has gone.
pub(crate) fn task(tid: u64) -> Option<Task> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // After the name in parentheses: state, then (counting from it) flags at 6, utime at 11 and
    // stime at 12, in clock ticks of 10 ms.
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split(' ').collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    const PF_EXITING: u64 = 0x4;
    // schedstat's first field is the CPU time in nanoseconds, where the kernel keeps it.
    let precise = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat"))
        .ok()
        .and_then(|s| s.split(' ').next()?.parse().ok())
        .map(Duration::from_nanos);
    let ticks = Duration::from_millis((number(11)? + number(12)?) * 10);
    Some(Task {
        state: fields.first()?.chars().next()?,
        exiting: number(6)? & PF_EXITING != 0,
        cpu: precise.unwrap_or(ticks),
    })
}

/// What the scheduler says of one thread so far.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Sched {
    /// Time on a core.
    pub(crate) cpu: Duration,
    /// Time ready to run: on a core, or waiting in line for one (where the kernel keeps
    /// `schedstat`; else on a core only).
    pub(crate) ready: Duration,
    /// Times it gave up its core because it waited (a sleep, a channel, a lock).
    pub(crate) waits: u64,
    /// Times its core was taken from it while it could still run: it was preempted, or it
    /// yielded.
    pub(crate) preempted: u64,
}

impl Sched {
    /// What happened between `earlier` and this.
    pub(crate) fn since(self, earlier: Sched) -> Sched {
        Sched {
            cpu: self.cpu.saturating_sub(earlier.cpu),
            ready: self.ready.saturating_sub(earlier.ready),
            waits: self.waits.saturating_sub(earlier.waits),
            preempted: self.preempted.saturating_sub(earlier.preempted),
        }
    }
}

/// The scheduler's figures for the thread `tid` (`schedstat` and `status`).
pub(crate) fn sched(tid: u64) -> Option<Sched> {
    let read = |file: &str| std::fs::read_to_string(format!("/proc/self/task/{tid}/{file}")).ok();
    let status = read("status")?;
    let count = |key: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))?
            .trim()
            .parse()
            .ok()
    };
    let (waits, preempted) = (
        count("voluntary_ctxt_switches:")?,
        count("nonvoluntary_ctxt_switches:")?,
    );
    let times: Vec<u64> = read("schedstat")
        .unwrap_or_default()
        .split(' ')
        .filter_map(|f| f.trim().parse().ok())
        .collect();
    let (cpu, ready) = match times[..] {
        [on_cpu, in_line, ..] => (
            Duration::from_nanos(on_cpu),
            Duration::from_nanos(on_cpu + in_line),
        ),
        _ => (task(tid)?.cpu, task(tid)?.cpu),
    };
    Some(Sched {
        cpu,
        ready,
        waits,
        preempted,
    })
}

/// A thread in a student's words: whose it is and, where `/proc` tells, what it is doing.
pub(crate) fn describe(tid: u64) -> String {
    let read = |file: &str| std::fs::read_to_string(format!("/proc/self/task/{tid}/{file}"));
    let name = read("comm").unwrap_or_default().trim_end().to_string();
    let whose = if name == CODE_THREAD || name.is_empty() {
        "a thread your code started".to_string()
    } else {
        format!("a thread your code started, named {name:?}")
    };
    // The kernel function a waiting thread sleeps in says what it waits for.
    let wchan = read("wchan").unwrap_or_default();
    let doing = match task(tid).map(|t| t.state) {
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
