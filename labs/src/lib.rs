//! The harness every lab's tests share. Its checks look for the mistakes concurrent code makes,
//! not only for wrong values, and say what they found in a student's words.
//!
//! - Hangs and leftovers: [`within`] turns a hang into a failure at a deadline;
//!   [`no_threads_left`] also fails when a thread the code started is still at work once it has
//!   returned, and [`threads_wind_down`] when one does not end by itself soon after (a pipeline
//!   shutting down stage by stage). [`settle`] waits until the code's threads have reached their
//!   wait, so that a test acts on code that is idle.
//! - Probes, in [`probes`]: [`cpu_used`] (a loop that polls instead of blocking),
//!   [`count_threads`] (threads started and the most at once: a pool of the wrong size, a thread
//!   per item), [`race`] (contenders that start together, round after round, to hit a narrow
//!   race), [`watch`] (an invariant checked all through a run, not only at its end) and
//!   [`feed`] (how far a stage runs ahead of a paused reader: back-pressure).
//! - Varied inputs: [`seeded`] gives a test a random generator and names its seed on failure, so
//!   that a student can replay the same inputs with `LAB_SEED=<seed>`.
//! - [`timed`], a stopwatch, and [`HarnessThread`], which a test's own helper threads (a local
//!   server's) take so that the probes measure the code under test alone.
//!
//! The tests of one lab run in one process, and the test harness may run them in parallel. Each
//! of [`within`], [`no_threads_left`] and [`threads_wind_down`] takes a process-wide gate, so the
//! tests of a lab run one at a time whatever `--test-threads` says: timing checks are not
//! disturbed by a neighbour, and a thread check sees only the threads of the test being run. The
//! probes run inside them, on the thread that runs the code under test.
//!
//! Thread checks read Linux's `/proc`; elsewhere only the deadlines apply, and the probes report
//! nothing (they return `None`).
//!
//! Which check catches which mistake:
//!
//! | mistake | how a test catches it |
//! |---|---|
//! | a deadlock, a wait for a message nobody sends | [`within`]'s deadline |
//! | a thread left running, detached, not joined | [`no_threads_left`] (or [`threads_wind_down`] where threads stop one after another) |
//! | busy-waiting: `try_recv` in a loop, a `select!` firing on a closed channel, a sleep in a loop | [`cpu_used`] around a window where the code only waits, then [`CpuUse::assert_idle`](probes::CpuUse::assert_idle) |
//! | the wrong number of threads, a thread per item, lock-step batches | [`count_threads`]; jobs of uneven length, timed |
//! | a narrow race: check-then-act, two steps that should be one | [`race`], [`watch`]; for a counter or a balance, a loom model in `labs/models/` |
//! | no back-pressure | [`feed`] the stage, pause its reader ([`settle`]), count what it took; `Receiver::len` |
//! | ignoring a cancel, sending after the reader left | cancel (or drop the reader) while the rest stays alive, then [`no_threads_left`] |
//! | a fixed cut-off, a sleep for the whole limit | [`seeded`] inputs on both sides of any cut-off, and the fast path timed too |
//!
//! Code that runs on a pool of long-lived threads (an async runtime's workers) is checked the same
//! way: build the pool inside the checked closure and shut it down there.
//!
//! ```
//! use chanlab_labs::{cpu_used, no_threads_left};
//! use crossbeam::channel::bounded;
//! use std::thread;
//! use std::time::Duration;
//!
//! let (got, cpu) = no_threads_left(Duration::from_secs(2), || {
//!     let (tx, rx) = bounded(0);
//!     let sender = thread::spawn(move || {
//!         thread::sleep(Duration::from_millis(100));
//!         tx.send(7).unwrap();
//!     });
//!     // Blocking in recv costs nothing while it waits.
//!     let got = cpu_used(|| rx.recv().unwrap());
//!     sender.join().unwrap();
//!     got
//! });
//! assert_eq!(got, 7);
//! if let Some(cpu) = cpu {
//!     cpu.assert_idle("waited 100 ms for a message");
//! }
//! ```

pub mod probes;
pub mod seed;
mod tasks;

pub use probes::{count_threads, cpu_used, feed, race, watch};
pub use seed::{Rng, seeded};
pub use tasks::HarnessThread;

use std::sync::Mutex;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};
use tasks::lock;

/// How long [`threads_wind_down`] lets the code's threads take to end after it returns.
pub const WIND_DOWN: Duration = Duration::from_secs(1);

/// How long a thread still running when the code returns may take to end, as long as it never
/// waits on anything: a thread finishing its last lines (after `thread::scope` has returned, the
/// scope's threads may still be leaving; on a busy machine, for a while).
const FINISHING: Duration = Duration::from_secs(2);

/// How long a thread must stay asleep, without running at all, for [`no_threads_left`] to count
/// it as waiting. A thread that is ending may wait a moment for a lock in the system's code;
/// one left behind waits for a message, a sleep or a join that take far longer.
const WAITING: Duration = Duration::from_millis(10);

static GATE: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result, or panics if it has not finished by `deadline`.
///
/// A panic inside `f` is passed on. On a timeout the thread running `f` is abandoned (a thread
/// cannot be killed) and the test fails at once with a message, instead of hanging.
#[track_caller]
pub fn within<T: Send + 'static>(deadline: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let _gate = enter();
    tasks::mark_earlier();
    with_deadline(deadline, f, Vec::new, ("", ""))
}

/// Runs `f` under `deadline` and checks that, by the time it returns, every thread it started
/// has ended: for code that promises to join its threads (or whose value, once dropped, does).
///
/// Threads are followed by identity, with no grace period: a thread that is still waiting (in a
/// sleep, on a channel, a lock or a join) when `f` returns fails the test at once, however soon
/// it would have ended. A thread still running may finish its last lines, as long as it ends
/// without waiting on anything. Panics naming each thread left, and what it was doing.
#[track_caller]
pub fn no_threads_left<T: Send + 'static>(
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let _gate = enter();
    let Some(before) = tasks::mark_earlier() else {
        return with_deadline(deadline, f, Vec::new, ("", ""));
    };
    let check = move || left_at_work(&before);
    let advice = "Every thread you start needs a way to hear that it should end (a channel \
                  that closes, a stop signal, a cancelled context), and someone who waits for \
                  it to end (join) before returning";
    with_deadline(deadline, f, check, ("when your code returned", advice))
}

/// Runs `f` under `deadline`, then checks that every thread it started ends by itself within
/// [`WIND_DOWN`]: for code whose threads stop one after another once it returns (the stages of a
/// pipeline whose reader has gone). Panics naming each thread left, and what it was doing.
#[track_caller]
pub fn threads_wind_down<T: Send + 'static>(
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let _gate = enter();
    let Some(before) = tasks::mark_earlier() else {
        return with_deadline(deadline, f, Vec::new, ("", ""));
    };
    let check = move || not_ended_after(&before, WIND_DOWN);
    let advice = "Every thread you start needs a way to end by itself: a loop over a channel \
                  ends when the channel closes, and a send that fails means nobody reads any \
                  more";
    with_deadline(
        deadline,
        f,
        check,
        ("a second after your code returned", advice),
    )
}

/// Waits until every other thread of the process is blocked (asleep, or waiting on a channel, a
/// lock or the network), for a second at most: call it where a test must know that the threads
/// the code started have reached their wait (a janitor in its sleep, a worker at its queue)
/// before it acts. A thread that never blocks (a busy loop) just makes it return after the second.
///
/// Where the system does not list a process's threads (no `/proc`), it sleeps 100 ms instead.
pub fn settle() {
    let give_up = Instant::now() + Duration::from_secs(1);
    let me = tasks::current();
    while Instant::now() < give_up {
        let Some(threads) = tasks::list() else {
            thread::sleep(Duration::from_millis(100));
            return;
        };
        let busy = threads
            .into_iter()
            .filter(|tid| Some(*tid) != me)
            .any(|tid| tasks::task(tid).is_some_and(|t| t.state != 'S' && !t.exiting));
        if !busy {
            return;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// Runs `f` and says how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Takes the gate; the thread waiting for it counts as the harness's meanwhile.
fn enter() -> std::sync::MutexGuard<'static, ()> {
    let _waiting = HarnessThread::enter();
    lock(&GATE)
}

/// Runs `f` on a thread of its own under `deadline`. Right after `f` returns, on the same thread
/// (so that no time is lost handing over), `leftovers` looks for the threads left behind; the
/// test fails if it names any, saying when it looked and what to do.
#[track_caller]
fn with_deadline<T: Send + 'static>(
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
    leftovers: impl FnOnce() -> Vec<String> + Send + 'static,
    (when, advice): (&str, &str),
) -> T {
    let (tx, rx) = mpsc::sync_channel(1);
    let worker = thread::Builder::new()
        .name(tasks::CODE_THREAD.into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let left = match &outcome {
                Ok(_) => leftovers(),
                Err(_) => Vec::new(),
            };
            let _ = tx.send((outcome, left));
        })
        .expect("start the thread under test");
    match rx.recv_timeout(deadline) {
        Ok((Ok(value), left)) => {
            let _ = worker.join();
            assert!(
                left.is_empty(),
                "{when}, {} it started {} still at work: {}. {advice}",
                if left.len() == 1 {
                    "a thread".to_string()
                } else {
                    format!("{} threads", left.len())
                },
                if left.len() == 1 { "was" } else { "were" },
                left[..left.len().min(3)].join("; ")
            );
            value
        }
        Ok((Err(payload), _)) => {
            let _ = worker.join();
            std::panic::resume_unwind(payload)
        }
        Err(_) => panic!(
            "did not finish within {deadline:?}: a deadlock, a thread waiting for a message \
             nobody sends, or a loop that never ends"
        ),
    }
}

/// The threads started since `before` that are still at work: each is followed until it has
/// gone or is exiting; one seen waiting (asleep without running for [`WAITING`]) is at work, and
/// so is one still running after [`FINISHING`]. Describes each.
fn left_at_work(before: &[u64]) -> Vec<String> {
    /// A thread being followed, and since when it has been seen asleep without running.
    struct Followed {
        tid: u64,
        asleep: Option<(Instant, Duration)>,
    }
    let mut followed: Vec<Followed> = tasks::started_since(before)
        .into_iter()
        .map(|tid| Followed { tid, asleep: None })
        .collect();
    let give_up = Instant::now() + FINISHING;
    loop {
        let now = Instant::now();
        let mut waiting = Vec::new();
        followed.retain_mut(|f| match tasks::task(f.tid) {
            None => false,
            _ if tasks::is_harness(f.tid) => false,
            Some(task) if task.exiting => false,
            Some(task) if task.state == 'S' => {
                match f.asleep {
                    Some((since, cpu)) if cpu == task.cpu => {
                        if now - since >= WAITING {
                            waiting.push(f.tid);
                        }
                    }
                    _ => f.asleep = Some((now, task.cpu)),
                }
                true
            }
            Some(_) => {
                f.asleep = None;
                true
            }
        });
        if followed.is_empty() {
            return Vec::new();
        }
        if !waiting.is_empty() {
            return waiting.into_iter().map(tasks::describe).collect();
        }
        if now >= give_up {
            return followed.iter().map(|f| tasks::describe(f.tid)).collect();
        }
        thread::sleep(Duration::from_micros(250));
    }
}

/// Waits up to `grace` for every thread started since `before` to end; describes those left.
fn not_ended_after(before: &[u64], grace: Duration) -> Vec<String> {
    let give_up = Instant::now() + grace;
    loop {
        let left: Vec<u64> = tasks::started_since(before)
            .into_iter()
            .filter(|tid| tasks::task(*tid).is_some_and(|t| !t.exiting))
            .collect();
        if left.is_empty() || Instant::now() >= give_up {
            return left.into_iter().map(tasks::describe).collect();
        }
        thread::sleep(Duration::from_millis(2));
    }
}
