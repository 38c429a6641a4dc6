//! How many more threads this process can start, and which limit stops it first.
//!
//! A goroutine costs a few KiB of memory; a thread costs a process id, a stack and, on Linux, four
//! memory maps (its stack, the guard page below it, the signal stack Rust gives every thread and
//! that stack's guard page). The system limits each of these. Most refusals come back as an error
//! from [`std::thread::Builder::spawn`], but not the last: when the process runs out of memory maps
//! after the stack was made, the new thread cannot make its signal stack, and Rust aborts the whole
//! process. So a program that starts threads by the thousand looks at its room first, and stops
//! short of the limit with an error it can report.
//!
//! Everything here is read from `/proc` and `/sys`; on a system without them there are no limits
//! to report, and [`thread_room`] is `None`.

use std::fmt;
use std::fs;
use std::io;

/// Memory maps each thread takes: its stack and guard page, its signal stack and guard page.
pub const MAPS_PER_THREAD: u64 = 4;

/// Memory maps kept free for what the threads themselves allocate (a thread's first allocation
/// may open a new malloc arena) and for the rest of the process.
const SPARE_MAPS: u64 = 256;

/// The share of the machine's process ids that [`thread_room`] leaves to other programs: a
/// lesson that takes the last of them stops every other program from starting one.
const SPARE_PIDS_SHARE: u64 = 8;

/// One limit on the threads this process can start, as the system reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    /// What the limit is called, as a user would look it up: `vm.max_map_count`, `ulimit -u`.
    pub name: &'static str,
    /// Its value, in its own unit.
    pub value: u64,
    /// How many more threads this process can start before reaching it, as far as can be told.
    pub room: u64,
    /// What the value counts and how to raise it.
    pub about: &'static str,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {} ({})", self.name, self.value, self.about)
    }
}

/// Every limit on threads this system reports for this process, the nearest (least room) first.
pub fn thread_limits() -> Vec<Limit> {
    let mut limits: Vec<Limit> = [
        memory_maps(),
        process_ids(),
        user_processes(),
        cgroup_pids(),
    ]
    .into_iter()
    .flatten()
    .collect();
    limits.sort_by_key(|limit| limit.room);
    limits
}

/// The limit this process will reach first if it keeps starting threads, if the system tells.
pub fn thread_room() -> Option<Limit> {
    thread_limits().into_iter().next()
}

/// `vm.max_map_count`, a per-process limit: room for a thread per [`MAPS_PER_THREAD`] free maps.
fn memory_maps() -> Option<Limit> {
    let max = read_number("/proc/sys/vm/max_map_count")?;
    let used = fs::read_to_string("/proc/self/maps").ok()?.lines().count() as u64;
    Some(Limit {
        name: "vm.max_map_count",
        value: max,
        room: max.saturating_sub(used + SPARE_MAPS) / MAPS_PER_THREAD,
        about: "memory maps per process, 4 per thread; past it Rust aborts instead of returning an \
                error; raise it with `sysctl -w vm.max_map_count=262144`",
    })
}

/// `kernel.pid_max` and `kernel.threads-max`, shared by the whole machine: every thread takes a
/// process id. Leaves a share of them to other programs.
fn process_ids() -> Option<Limit> {
    let pid_max = read_number("/proc/sys/kernel/pid_max");
    let threads_max = read_number("/proc/sys/kernel/threads-max");
    let (name, value, about) = match (pid_max, threads_max) {
        (Some(p), Some(t)) if t < p => ("kernel.threads-max", t, THREADS_MAX),
        (Some(p), _) => ("kernel.pid_max", p, PID_MAX),
        (None, Some(t)) => ("kernel.threads-max", t, THREADS_MAX),
        (None, None) => return None,
    };
    // The fourth field of /proc/loadavg, "running/total", counts every thread on the machine.
    let loadavg = fs::read_to_string("/proc/loadavg").ok()?;
    let in_use: u64 = loadavg
        .split_whitespace()
        .nth(3)?
        .split('/')
        .nth(1)?
        .parse()
        .ok()?;
    Some(Limit {
        name,
        value,
        room: value.saturating_sub(in_use + value / SPARE_PIDS_SHARE),
        about,
    })
}

const PID_MAX: &str = "process ids on the whole machine, one per thread, an eighth kept for other \
                       programs; raise it with `sysctl -w kernel.pid_max=4194304`";
const THREADS_MAX: &str = "threads on the whole machine, an eighth kept for other programs; raise it \
                           with `sysctl -w kernel.threads-max=N`";

/// `ulimit -u` (RLIMIT_NPROC): the processes and threads of this user, all programs together.
/// Root is not held to it. Only this process's own threads are known here, so the room is at most
/// what is given.
fn user_processes() -> Option<Limit> {
    if real_uid()? == 0 {
        return None;
    }
    let value = soft_limit("Max processes")?;
    Some(Limit {
        name: "ulimit -u",
        value,
        room: value.saturating_sub(own_threads()?),
        about: "processes and threads of this user, every program counted; raise it with \
                `ulimit -u N` up to the hard limit",
    })
}

/// The pids controller of this process's cgroup (a container's limit), v2 or v1.
fn cgroup_pids() -> Option<Limit> {
    let cgroups = fs::read_to_string("/proc/self/cgroup").ok()?;
    let dir = cgroups.lines().find_map(|line| {
        let mut fields = line.splitn(3, ':');
        let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
        match controllers {
            "" => Some(format!("/sys/fs/cgroup{path}")),
            c if c.split(',').any(|c| c == "pids") => Some(format!("/sys/fs/cgroup/pids{path}")),
            _ => None,
        }
    })?;
    let value = read_number(&format!("{dir}/pids.max"))?; // "max" (no limit) does not parse
    let current = read_number(&format!("{dir}/pids.current"))?;
    Some(Limit {
        name: "pids.max",
        value,
        room: value.saturating_sub(current),
        about: "processes and threads in this cgroup (a container's limit)",
    })
}

/// `ulimit -n` (RLIMIT_NOFILE): the file descriptors this process may hold open; its room is how
/// many more it can open now. Not a limit on threads, but on what a thread per connection holds.
pub fn open_files() -> Option<Limit> {
    let value = soft_limit("Max open files")?;
    let open = fs::read_dir("/proc/self/fd").ok()?.count() as u64;
    Some(Limit {
        name: "ulimit -n",
        value,
        room: value.saturating_sub(open),
        about: "file descriptors per process; raise it with `ulimit -n N` up to the hard limit",
    })
}

/// This process's soft limit called `name` in `/proc/self/limits`; `None` when unlimited.
fn soft_limit(name: &str) -> Option<u64> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

fn real_uid() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn own_threads() -> Option<u64> {
    Some(fs::read_dir("/proc/self/task").ok()?.count() as u64)
}

fn read_number(path: &str) -> Option<u64> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Threads asked for one per item that could not all start: how many did, and why not the next.
#[derive(Debug)]
pub struct SpawnError {
    /// Threads started before the one that failed.
    pub started: usize,
    /// Threads asked for.
    pub wanted: usize,
    /// Why the next could not start.
    pub cause: Cause,
}

/// Why a thread could not start.
#[derive(Debug)]
pub enum Cause {
    /// The system refused it, most likely because of `limit`.
    Refused {
        /// The error from the system.
        error: io::Error,
        /// The nearest limit at the time, if the system tells.
        limit: Option<Limit>,
    },
    /// Not tried: there was no room left under `limit`, and going on would have reached it.
    NoRoom(Limit),
}

impl SpawnError {
    /// The system refused thread `started + 1` of `wanted` with `error`; names the likely limit.
    pub fn refused(started: usize, wanted: usize, error: io::Error) -> SpawnError {
        let limit = thread_room();
        SpawnError {
            started,
            wanted,
            cause: Cause::Refused { error, limit },
        }
    }
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (started, wanted) = (self.started, self.wanted);
        write!(f, "started {started} of {wanted} threads, then ")?;
        match &self.cause {
            Cause::Refused { error, limit } => {
                write!(f, "the system refused the next: {error}")?;
                match limit {
                    Some(limit) => write!(f, "; the likely limit: {limit}"),
                    None => write!(f, "; the system reports no limit to blame"),
                }
            }
            Cause::NoRoom(limit) => write!(f, "stopped short of a limit: {limit}"),
        }
    }
}

impl std::error::Error for SpawnError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            Cause::Refused { error, .. } => Some(error),
            Cause::NoRoom(_) => None,
        }
    }
}
