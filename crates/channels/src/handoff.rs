//! Why an unbuffered hand-off between threads costs microseconds, taken apart (seed 5.3): a
//! thread that waits for another sleeps in the kernel, and waking it is a system call and then a
//! wait for the scheduler. Spinning skips both and keeps a core busy instead; Go switches
//! goroutines on one thread and wakes nobody.

use chanlab_common::Cx;
use crossbeam_channel::{Receiver, Sender, bounded};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// How a thread waits for the other one's move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Sleep at once (`thread::park`, a futex wait), and let the other thread's `unpark` (a
    /// futex wake) end the sleep: what a blocking channel does when the other side is not there.
    Park,
    /// Look again and again, never sleeping: the core stays busy all the while.
    Spin,
    /// Spin for up to [`SPIN_LIMIT`], letting other threads have the core now and then
    /// (`yield_now`), then sleep.
    SpinThenPark,
}

/// How long [`Wait::SpinThenPark`] spins before it sleeps: about what a sleep and a wake-up
/// cost, so it never pays much more than twice the better of spinning and sleeping.
pub const SPIN_LIMIT: Duration = Duration::from_micros(20);

// ANCHOR: handoff
/// An unbuffered channel for one sending thread and one receiving thread, cut down to its
/// mechanism: one slot, a flag that says whether it is full, and a way to wait for the flag.
/// `send` returns once the receiver has taken the value, as on Go's `make(chan T)`.
///
/// It has no close: each `send` needs its `recv`, or the other side waits forever.
///
/// ```
/// use chanlab_channels::handoff::{Handoff, Wait};
///
/// let handoff = Handoff::new(Wait::SpinThenPark);
/// std::thread::scope(|s| {
///     s.spawn(|| (1..=3).for_each(|n| handoff.send(n)));
///     assert_eq!([handoff.recv(), handoff.recv(), handoff.recv()], [1, 2, 3]);
/// });
/// ```
#[derive(Debug)]
pub struct Handoff<T> {
    wait: Wait,
    value: Mutex<Option<T>>,
    full: AtomicBool,
    sender: Sleeper,
    receiver: Sleeper,
}

/// One side's way to sleep and be woken.
#[derive(Debug, Default)]
struct Sleeper {
    asleep: AtomicBool,
    thread: Mutex<Option<Thread>>,
}

impl<T> Handoff<T> {
    /// An empty hand-off whose two sides wait as `wait` says.
    pub fn new(wait: Wait) -> Handoff<T> {
        Handoff {
            wait,
            value: Mutex::new(None),
            full: AtomicBool::new(false),
            sender: Sleeper::default(),
            receiver: Sleeper::default(),
        }
    }

    /// Hands `value` to the receiver, and returns once it has taken it.
    pub fn send(&self, value: T) {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
        self.full.store(true, SeqCst);
        self.receiver.wake();
        self.wait_until(&self.sender, false);
    }

    /// Waits for a value and takes it.
    pub fn recv(&self) -> T {
        self.wait_until(&self.receiver, true);
        let value = self
            .value
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        self.full.store(false, SeqCst);
        self.sender.wake();
        value.expect("the slot is full")
    }

    /// Waits, as `self.wait` says, until the slot is `full` (or empty).
    fn wait_until(&self, me: &Sleeper, full: bool) {
        let ready = || self.full.load(SeqCst) == full;
        let spin_until = match self.wait {
            Wait::Park => None,
            Wait::Spin => Some(None),
            Wait::SpinThenPark => Some(Some(Instant::now() + SPIN_LIMIT)),
        };
        if let Some(limit) = spin_until {
            // Reading the clock costs more than a look at the flag: look a few times between.
            while limit.is_none_or(|limit| Instant::now() < limit) {
                for _ in 0..64 {
                    if ready() {
                        return;
                    }
                    std::hint::spin_loop();
                }
                if limit.is_some() {
                    // If the other side waits for this core, let it run now, not at our sleep.
                    thread::yield_now();
                }
            }
        }
        me.sleep_until(ready);
    }
}

impl Sleeper {
    /// Sleeps until `ready()`. It says "asleep" before its last look, and the other side looks
    /// at "asleep" after its move: so either this look sees the move, or the other side sees
    /// "asleep" and wakes us.
    fn sleep_until(&self, ready: impl Fn() -> bool) {
        *self.thread.lock().unwrap_or_else(PoisonError::into_inner) = Some(thread::current());
        loop {
            self.asleep.store(true, SeqCst);
            if ready() {
                self.asleep.store(false, SeqCst);
                return;
            }
            thread::park(); // a futex wait: the kernel takes the thread off the CPU
        }
    }

    /// Wakes this side if it sleeps: a futex wake, a system call.
    fn wake(&self) {
        if self.asleep.load(SeqCst) && self.asleep.swap(false, SeqCst) {
            let thread = self.thread.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(thread) = thread.as_ref() {
                thread.unpark();
            }
        }
    }
}
// ANCHOR_END: handoff

/// What the kernel has counted for the calling thread so far (Linux's `/proc/thread-self`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadStats {
    /// Time on a CPU.
    pub cpu: Duration,
    /// Time ready to run but waiting for a CPU.
    pub queued: Duration,
    /// Times it went to sleep (voluntary context switches).
    pub sleeps: u64,
}

impl ThreadStats {
    /// The calling thread's figures, or `None` where the system does not say.
    pub fn now() -> Option<ThreadStats> {
        let sched = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        let mut nanos = sched.split_whitespace().map(|n| n.parse::<u64>().ok());
        let (cpu, queued) = (nanos.next()??, nanos.next()??);
        let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
        let sleeps = status
            .lines()
            .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))?
            .trim()
            .parse()
            .ok()?;
        Some(ThreadStats {
            cpu: Duration::from_nanos(cpu),
            queued: Duration::from_nanos(queued),
            sleeps,
        })
    }

    /// What was counted from `earlier` to `self`.
    fn since(self, earlier: ThreadStats) -> ThreadStats {
        ThreadStats {
            cpu: self.cpu.saturating_sub(earlier.cpu),
            queued: self.queued.saturating_sub(earlier.queued),
            sleeps: self.sleeps.saturating_sub(earlier.sleeps),
        }
    }

    /// Two threads' figures together.
    fn plus(self, other: ThreadStats) -> ThreadStats {
        ThreadStats {
            cpu: self.cpu + other.cpu,
            queued: self.queued + other.queued,
            sleeps: self.sleeps + other.sleeps,
        }
    }
}

/// Runs `f` and returns its result with what the kernel counted for this thread meanwhile.
fn counted<T>(f: impl FnOnce() -> T) -> (T, Option<ThreadStats>) {
    let before = ThreadStats::now();
    let result = f();
    let stats = before.zip(ThreadStats::now()).map(|(b, a)| a.since(b));
    (result, stats)
}

/// The channel a ping-pong runs over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Over {
    /// crossbeam's `bounded(0)`, the lessons' channel.
    Crossbeam,
    /// A [`Handoff`] that waits as this says.
    Handoff(Wait),
}

/// What a ping-pong measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingPong {
    /// Round trips made: each is two hand-offs.
    pub round_trips: u64,
    /// How long they took.
    pub elapsed: Duration,
    /// The kernel's figures for both threads, where it says.
    pub threads: Option<ThreadStats>,
}

impl PingPong {
    /// The mean round trip.
    pub fn round_trip(&self) -> Duration {
        self.elapsed.div_f64(self.round_trips.max(1) as f64)
    }

    /// Sleeps per round trip, both threads together.
    pub fn sleeps_per_round_trip(&self) -> Option<f64> {
        Some(self.threads?.sleeps as f64 / self.round_trips.max(1) as f64)
    }

    /// CPU time of both threads over the time they took: 1.0 is one core busy throughout.
    pub fn cores_busy(&self) -> Option<f64> {
        Some(self.threads?.cpu.as_secs_f64() / self.elapsed.as_secs_f64().max(1e-9))
    }
}

/// A channel the ping-pong can use: both of its sides, by reference.
trait Meet: Sync {
    fn send(&self, ball: u64);
    fn recv(&self) -> u64;
}

impl Meet for Handoff<u64> {
    fn send(&self, ball: u64) {
        Handoff::send(self, ball);
    }
    fn recv(&self) -> u64 {
        Handoff::recv(self)
    }
}

impl Meet for (Sender<u64>, Receiver<u64>) {
    fn send(&self, ball: u64) {
        self.0.send(ball).expect("both ends live in the ping-pong");
    }
    fn recv(&self) -> u64 {
        self.1.recv().expect("both ends live in the ping-pong")
    }
}

/// The ball that ends a ping-pong.
const LAST: u64 = u64::MAX;

/// Bounces a counter between two threads `over` a channel, for `rounds` round trips or until
/// `time_box` has passed, whichever comes first.
///
/// ```
/// use chanlab_channels::handoff::{Over, Wait, ping_pong};
/// use std::time::Duration;
///
/// let measured = ping_pong(Over::Handoff(Wait::Park), 100, Duration::from_secs(5));
/// assert_eq!(measured.round_trips, 100);
/// ```
pub fn ping_pong(over: Over, rounds: u64, time_box: Duration) -> PingPong {
    match over {
        Over::Crossbeam => bounce(&bounded(0), &bounded(0), rounds, time_box),
        Over::Handoff(wait) => bounce(&Handoff::new(wait), &Handoff::new(wait), rounds, time_box),
    }
}

fn bounce(ping: &impl Meet, pong: &impl Meet, rounds: u64, time_box: Duration) -> PingPong {
    thread::scope(|s| {
        let ponger = s.spawn(|| {
            counted(|| {
                loop {
                    let ball = ping.recv();
                    if ball == LAST {
                        break;
                    }
                    pong.send(ball + 1);
                }
            })
            .1
        });
        let start = Instant::now();
        let ((round_trips, elapsed), pinger) = counted(|| {
            let mut ball = 0;
            while ball < rounds && start.elapsed() < time_box {
                ping.send(ball);
                ball = pong.recv();
            }
            (ball, start.elapsed())
        });
        ping.send(LAST);
        let ponger = ponger.join().expect("the ponger only bounces");
        PingPong {
            round_trips,
            elapsed,
            threads: pinger.zip(ponger).map(|(a, b)| a.plus(b)),
        }
    })
}

/// One wake-up of a sleeping thread, taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WakeUp {
    /// How long `unpark` (a futex wake system call) took on the waking thread.
    pub call: Duration,
    /// From the start of that call until the sleeper ran again.
    pub until_running: Duration,
}

/// How long a thread took to settle into its sleep before [`wake_up`] wakes it.
const SETTLE: Duration = Duration::from_millis(1);

/// Wakes a sleeping thread `samples` times and returns the median of each part.
///
/// Each time the sleeper is left for a millisecond first, so that it really sleeps in the
/// kernel: a wake-up that comes while a thread is still on its way to sleep costs less.
pub fn wake_up(samples: usize) -> WakeUp {
    let go = AtomicBool::new(false);
    let (asleep_tx, asleep) = mpsc::channel::<()>();
    let (woke_tx, woke) = mpsc::channel::<Instant>();
    let (mut calls, mut latencies) = (Vec::new(), Vec::new());
    thread::scope(|s| {
        let sleeper = s.spawn(|| {
            for _ in 0..samples {
                go.store(false, SeqCst);
                asleep_tx.send(()).expect("the waker waits for this");
                while !go.load(SeqCst) {
                    thread::park();
                }
                woke_tx
                    .send(Instant::now())
                    .expect("the waker waits for this");
            }
        });
        for _ in 0..samples {
            asleep
                .recv()
                .expect("the sleeper says when it goes to sleep");
            thread::sleep(SETTLE);
            let start = Instant::now();
            go.store(true, SeqCst);
            sleeper.thread().unpark();
            calls.push(start.elapsed());
            let woke = woke.recv().expect("the sleeper says when it woke");
            latencies.push(woke.saturating_duration_since(start));
        }
    });
    WakeUp {
        call: median(calls),
        until_running: median(latencies),
    }
}

fn median(mut durations: Vec<Duration>) -> Duration {
    durations.sort();
    durations
        .get(durations.len() / 2)
        .copied()
        .unwrap_or_default()
}

/// Times one wake-up taken apart, then a ping-pong over crossbeam and over a [`Handoff`] that
/// parks, spins, or spins and then parks, with what the kernel counted for each.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    cx.say("a thread that waits for another sleeps in the kernel; waking it, taken apart:");
    let woke = wake_up(21);
    cx.say(format!(
        "  unpark, a futex wake system call, took {:.1?} on the waking thread",
        woke.call
    ));
    cx.say(format!(
        "  the sleeper ran {:.1?} after the call began (median of 21)",
        woke.until_running
    ));

    let time_box = cx.secs(Duration::from_millis(250));
    cx.say(format!(
        "ping-pong for {time_box:.2} each way, two hand-offs a round trip:"
    ));
    for (label, over) in [
        ("crossbeam bounded(0)", Over::Crossbeam),
        ("park at once", Over::Handoff(Wait::Park)),
        ("spin, never park", Over::Handoff(Wait::Spin)),
        ("spin 20µs, then park", Over::Handoff(Wait::SpinThenPark)),
    ] {
        let measured = ping_pong(over, u64::MAX, time_box.real());
        let kernel = match (measured.sleeps_per_round_trip(), measured.cores_busy()) {
            (Some(sleeps), Some(busy)) => {
                format!("{sleeps:.2} sleeps a round trip; CPU busy {busy:.2} cores")
            }
            _ => "the kernel's counts are not available here".to_owned(),
        };
        cx.say(format!(
            "  {label}: {:.2?} a round trip; {kernel}",
            measured.round_trip()
        ));
    }
    cx.say(
        "Go parks a goroutine in its own scheduler instead: the sender hands the value over and \
         runs the receiver next on the same OS thread, with no system call and no other core \
         to wake (`cargo xtask bench ping-pong` times it)",
    );
    Ok(())
}
