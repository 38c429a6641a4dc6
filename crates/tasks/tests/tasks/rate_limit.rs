//! The `rate_limit` step and `acquire`.
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use chanlab_patterns::RateLimiter;
use chanlab_tasks::rate_limit::{self, acquire, ticks_after_stall};
use std::time::{Duration, Instant};
use tokio::time::MissedTickBehavior;

#[test]
fn the_step_paces_requests_and_lets_a_burst_through() {
    let t = run_step(rate_limit::run, 0.1);
    assert_eq!(t.count("request "), 11, "{t}");
    assert_eq!(t.count("bursty request"), 6, "{t}");
    assert!(
        t.contains("Burst after") && t.contains("Delay after") && t.contains("Skip  after"),
        "{t}"
    );
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
