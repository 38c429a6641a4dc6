//! Tests of the `bursty_limiter` lab. Don't edit them: `cargo xtask lab grade` refuses modified
//! tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/bursty_limiter.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/bursty_limiter.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, threads_wind_down, timed, within};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(5);
const INTERVAL: Duration = Duration::from_millis(100);

/// How long `calls` waits take on `limiter`.
fn waits(limiter: &lab::Limiter, calls: usize) -> Duration {
    timed(|| (0..calls).for_each(|_| limiter.wait())).1
}

#[test]
fn a_new_limiter_allows_a_burst_at_once() {
    let took = within(DEADLINE, || waits(&lab::Limiter::new(3, INTERVAL), 3));
    assert!(
        took < Duration::from_millis(100),
        "3 calls on a new limiter with bursts of 3 took {took:?}: the bucket should start full"
    );
}

#[test]
fn after_the_burst_calls_go_at_the_steady_pace() {
    let took = within(DEADLINE, || waits(&lab::Limiter::new(3, INTERVAL), 6));
    // A burst of 3 at once, then one per 100 ms: about 300 ms for 6 calls.
    assert!(
        took >= Duration::from_millis(240),
        "6 calls took {took:?}: after a burst of 3, calls go one per 100 ms"
    );
    assert!(took < Duration::from_millis(700), "6 calls took {took:?}");
}

#[test]
fn a_quiet_spell_banks_no_more_than_one_burst() {
    let (burst, fourth) = within(DEADLINE, || {
        let limiter = lab::Limiter::new(3, INTERVAL);
        waits(&limiter, 3);
        // Six turns go by unused, and only three can be banked. (Not a whole number of turns: the
        // next turn comes 70 ms after the burst, not at the same moment.)
        thread::sleep(Duration::from_millis(630));
        (waits(&limiter, 3), waits(&limiter, 1))
    });
    assert!(
        burst < Duration::from_millis(100),
        "the banked burst took {burst:?}"
    );
    assert!(
        fourth >= Duration::from_millis(30),
        "a fourth call right after the burst took only {fourth:?}: more than 3 turns were banked"
    );
}

#[test]
fn dropping_the_limiter_ends_its_thread() {
    // The refill thread hears of the drop at its next tick, 20 ms at most.
    threads_wind_down(DEADLINE, || {
        for _ in 0..5 {
            let limiter = lab::Limiter::new(2, Duration::from_millis(20));
            limiter.wait();
        }
    });
}

#[test]
fn waiting_for_a_turn_costs_no_cpu() {
    let (took, cpu) = within(DEADLINE, || {
        let limiter = lab::Limiter::new(1, Duration::from_millis(150));
        cpu_used(|| waits(&limiter, 4))
    });
    assert!(took >= Duration::from_millis(350), "4 calls took {took:?}");
    if let Some(cpu) = cpu {
        cpu.assert_idle("waited for turns 150 ms apart");
    }
}
