//! Tests of the `handoff` step and its `Handoff`, `ping_pong` and `wake_up`. Timing is for the
//! step to show and for `cargo xtask bench`; these check what holds on a busy machine too: what
//! arrives, when a send returns, and how often the threads sleep.
use chanlab_channels::handoff::{self, Handoff, Over, ThreadStats, Wait, ping_pong, wake_up};
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use std::thread;
use std::time::Duration;

const PACE: f64 = 0.1;
const WAYS: [Wait; 3] = [Wait::Park, Wait::Spin, Wait::SpinThenPark];

#[test]
fn the_step_takes_a_wake_up_apart_and_times_each_way_of_waiting() {
    let t = run_step(handoff::run, PACE);
    for line in [
        "unpark, a futex wake system call, took",
        "the sleeper ran",
        "crossbeam bounded(0)",
        "park at once",
        "spin, never park",
        "spin 20µs, then park",
        "Go parks a goroutine in its own scheduler",
    ] {
        assert_eq!(t.count(line), 1, "{line}:\n{t}");
    }
    assert_eq!(t.count(" a round trip; "), 4, "{t}");
    assert!(
        t.contains("ping-pong for 0.025s (0.25s at pace 1) each way"),
        "{t}"
    );
}

#[test]
fn every_value_arrives_once_and_in_order_whichever_the_wait() {
    for wait in WAYS {
        let received = no_threads_left(STEP_DEADLINE, move || {
            let handoff = Handoff::new(wait);
            thread::scope(|s| {
                s.spawn(|| (0..2_000u32).for_each(|n| handoff.send(n)));
                (0..2_000).map(|_| handoff.recv()).collect::<Vec<_>>()
            })
        });
        assert_eq!(received, (0..2_000).collect::<Vec<_>>(), "{wait:?}");
    }
}

#[test]
fn send_returns_only_once_the_value_is_taken() {
    no_threads_left(STEP_DEADLINE, || {
        let handoff = Handoff::new(Wait::SpinThenPark);
        thread::scope(|s| {
            let sender = s.spawn(|| handoff.send("ping"));
            thread::sleep(Duration::from_millis(50));
            assert!(
                !sender.is_finished(),
                "send returned before anyone received"
            );
            assert_eq!(handoff.recv(), "ping");
            sender.join().unwrap();
        });
    });
}

#[test]
fn a_ping_pong_counts_its_round_trips_and_stops_at_its_time_box() {
    for over in [
        Over::Crossbeam,
        Over::Handoff(Wait::Park),
        Over::Handoff(Wait::Spin),
        Over::Handoff(Wait::SpinThenPark),
    ] {
        let counted = no_threads_left(STEP_DEADLINE, move || {
            ping_pong(over, 500, Duration::from_secs(20))
        });
        assert_eq!(counted.round_trips, 500, "{over:?}");
        let boxed = no_threads_left(STEP_DEADLINE, move || {
            ping_pong(over, u64::MAX, Duration::from_millis(200))
        });
        // 200 ms: on a loaded machine a spinning pair can wait tens of milliseconds for a core.
        assert!(boxed.round_trips > 0, "{over:?}");
        // Generous: a round trip on a busy machine can take a scheduler time slice or two.
        assert!(
            boxed.elapsed < Duration::from_secs(5),
            "{over:?}: {boxed:?}"
        );
    }
}

#[test]
fn parking_sleeps_at_almost_every_hand_off_and_spinning_never_does() {
    if ThreadStats::now().is_none() {
        return; // no /proc/thread-self: the kernel's counts are Linux's
    }
    let run = |wait| {
        no_threads_left(STEP_DEADLINE, move || {
            ping_pong(Over::Handoff(wait), 2_000, Duration::from_secs(10))
        })
    };
    let (park, spin) = (run(Wait::Park), run(Wait::Spin));
    // Parked at once, a side that waits has gone to sleep before the other side's move: two
    // sleeps a round trip (one is asked here, to leave room for lucky moments).
    let sleeps = park.sleeps_per_round_trip().unwrap();
    assert!(sleeps >= 1.0, "{sleeps} sleeps a round trip: {park:?}");
    // A spinner never sleeps (a preempted one is put aside by the kernel, which is no sleep).
    let sleeps = spin.sleeps_per_round_trip().unwrap();
    assert!(sleeps < 0.01, "{sleeps} sleeps a round trip: {spin:?}");
    // What each thread spent on a CPU is counted either way. The kernel adds a running thread's
    // time at a clock tick or when it leaves the CPU: a parker leaves it at every sleep, but
    // spinners that finish between two ticks (a millisecond on an idle machine) show none yet.
    assert!(park.threads.unwrap().cpu > Duration::ZERO, "{park:?}");
    if spin.elapsed >= Duration::from_millis(50) {
        assert!(spin.cores_busy().unwrap() > 0.0, "{spin:?}");
    }
}

#[test]
fn a_wake_up_is_measured_in_its_two_parts() {
    let woke = no_threads_left(STEP_DEADLINE, || wake_up(5));
    assert!(woke.call > Duration::ZERO, "{woke:?}");
    assert!(woke.until_running > Duration::ZERO, "{woke:?}");
}
