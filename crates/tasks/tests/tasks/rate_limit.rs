//! The `rate_limit` step and `acquire`.
use chanlab_common::testing::{STEP_DEADLINE, lesson_secs, run_step, within};
use chanlab_patterns::RateLimiter;
use chanlab_tasks::rate_limit::{self, acquire, ticks_after_stall};
use std::time::{Duration, Instant};
use tokio::time::MissedTickBehavior;

const PACE: f64 = 0.1;

#[test]
fn the_step_paces_requests_and_lets_a_burst_through() {
    let t = run_step(rate_limit::run, PACE);
    assert_eq!(t.count("request "), 11, "{t}");
    assert_eq!(t.count("bursty request"), 6, "{t}");
    // Every time told as run and at pace 1, in agreement.
    // Never sooner than the interval allows: request n one period after request n - 1, and
    // after the burst of 3, request n one period after request n - 1 as well.
    for line in t.lines().iter().filter(|l| l.contains("request ")) {
        let n: f64 = line.split(' ').find_map(|w| w.parse().ok()).unwrap();
        let periods = if line.starts_with("bursty") {
            (n - 3.0).max(0.0)
        } else {
            n - 1.0
        };
        assert!(
            lesson_secs(line, " at", PACE) >= 0.2 * periods - 0.06,
            "{t}"
        );
    }
    for name in ["Burst", "Delay", "Skip "] {
        let line = &t
            .find(&format!("{name} after a 0.065s stall, ticks at "))
            .unwrap()
            .text;
        let (as_run, at_pace_1) = line
            .split_once("ticks at ")
            .and_then(|(_, rest)| rest.split_once("s (stall 0.65s, ticks "))
            .and_then(|(run, rest)| Some((run, rest.strip_suffix("s at pace 1)")?)))
            .unwrap_or_else(|| panic!("ticks not told as run and at pace 1: {line:?}"));
        let figures =
            |list: &str| -> Vec<f64> { list.split(' ').map(|n| n.parse().unwrap()).collect() };
        let (as_run, at_pace_1) = (figures(as_run), figures(at_pace_1));
        assert_eq!(as_run.len(), 4, "{line:?}");
        for (run, lesson) in as_run.iter().zip(&at_pace_1) {
            // Three decimals as run, two at pace 1: each rounded by at most half its last digit.
            assert!(
                (run - lesson * PACE).abs() <= 0.0005 + 0.005 * PACE + 1e-9,
                "{line:?}"
            );
            assert!(*lesson >= 0.64, "a tick before the stall ended: {line:?}");
        }
    }
}

/// After a stall of 3.25 periods, Burst delivers the three missed ticks at once, Delay restarts
/// the period from the late tick, Skip goes back to the original grid. On a paused clock, which
/// moves only when every task waits, the times are exact.
#[test]
fn missed_ticks_burst_delay_or_skip() {
    let ms = Duration::from_millis;
    let (period, stall) = (ms(40), ms(130));
    let (burst, delay, skip) = within(STEP_DEADLINE, move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(async {
                (
                    ticks_after_stall(MissedTickBehavior::Burst, period, stall, 4).await,
                    ticks_after_stall(MissedTickBehavior::Delay, period, stall, 4).await,
                    ticks_after_stall(MissedTickBehavior::Skip, period, stall, 3).await,
                )
            })
    });
    assert_eq!(burst, [ms(130), ms(130), ms(130), ms(160)]);
    assert_eq!(delay, [ms(130), ms(170), ms(210), ms(250)]);
    assert_eq!(skip, [ms(130), ms(160), ms(200)]);
}

#[test]
fn acquire_lets_the_burst_through_then_one_per_interval() {
    let took = within(STEP_DEADLINE, || {
        super::block_on(async {
            let limiter = RateLimiter::bursty(Duration::from_millis(25), 3).unwrap();
            let start = Instant::now();
            for _ in 0..3 {
                acquire(&limiter).await;
            }
            let burst = start.elapsed();
            for _ in 0..4 {
                acquire(&limiter).await;
            }
            (burst, start.elapsed())
        })
    });
    assert!(took.1 >= Duration::from_millis(100), "{took:?}");
    assert!(took.0 < took.1 / 2, "the burst waited: {took:?}");
}
