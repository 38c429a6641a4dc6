//! Tests of the `rate_limit` step and `RateLimiter`.
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use chanlab_patterns::RateLimiter;
use chanlab_patterns::rate_limit::{self, RateLimitError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn the_step_spaces_requests_and_lets_a_burst_of_three_through() {
    let pace = 0.1;
    let interval = Duration::from_millis(200).mul_f64(pace);
    let t = run_step(rate_limit::run, pace);
    let at = |line: &str| {
        t.find(line)
            .unwrap_or_else(|| panic!("no {line:?}:\n{t}"))
            .at
    };
    // Lower bounds from the previous section's last line, which was said before this section
    // started: robust however late a line is said.
    let ticker_done = at("ticker: request 5 ");
    assert!(
        ticker_done >= interval * 5,
        "five ticks take five intervals:\n{t}"
    );
    // The bursty limiter: requests 1 to 3 at once, then 4, 5 and 6 one interval apart.
    let bursty_done = at("bursty: request 6 ");
    assert!(bursty_done >= ticker_done + interval * 3, "{t}");
    // Four clients, 8 requests: three at once, five more one interval apart.
    let clients: Vec<Duration> = t
        .events
        .iter()
        .filter(|e| e.text.starts_with("client "))
        .map(|e| e.at)
        .collect();
    assert_eq!(clients.len(), 8, "{t}");
    assert!(clients[7] >= bursty_done + interval * 5, "{t}");
    for e in t.events.iter().filter(|e| e.text.starts_with("client ")) {
        assert!(e.text.starts_with(&e.thread), "said by {}:\n{t}", e.thread);
    }
}

#[test]
fn a_burst_never_exceeds_its_size_and_refills_one_per_interval() {
    let tick = Duration::from_secs(1);
    let limiter = RateLimiter::bursty(tick, 3).unwrap();
    let t0 = Instant::now();
    let take =
        |at: Instant, tries: usize| (0..tries).filter(|_| limiter.try_acquire_at(at)).count();
    assert_eq!(take(t0, 10), 3, "a new limiter holds exactly the burst");
    assert_eq!(
        take(t0 + tick / 2, 10),
        0,
        "half an interval refills nothing"
    );
    assert_eq!(take(t0 + tick, 10), 1, "one interval refills one permit");
    assert_eq!(take(t0 + tick * 2 + tick / 2, 10), 1);
    assert_eq!(
        take(t0 + tick * 100, 10),
        3,
        "an idle limiter fills up to the burst, no more"
    );
}

#[test]
fn a_steady_limiter_grants_one_per_interval() {
    let tick = Duration::from_millis(200);
    let limiter = RateLimiter::steady(tick).unwrap();
    let t0 = Instant::now();
    let granted: Vec<u32> = (0..10)
        .filter(|&k| limiter.try_acquire_at(t0 + tick / 4 * k))
        .collect();
    assert_eq!(granted, [0, 4, 8], "one permit per 4 quarter-intervals");
}

#[test]
fn threads_racing_for_a_burst_get_exactly_the_burst() {
    for _ in 0..20 {
        let granted = within(STEP_DEADLINE, || {
            let limiter = RateLimiter::bursty(HOUR, 3).unwrap();
            let granted = AtomicUsize::new(0);
            thread::scope(|s| {
                for _ in 0..8 {
                    s.spawn(|| {
                        for _ in 0..50 {
                            if limiter.try_acquire() {
                                granted.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    });
                }
            });
            granted.into_inner()
        });
        assert_eq!(granted, 3);
    }
}

#[test]
fn wait_takes_the_burst_at_once_then_sleeps_an_interval_per_permit() {
    within(STEP_DEADLINE, || {
        let limiter = RateLimiter::bursty(HOUR, 3).unwrap();
        for _ in 0..3 {
            limiter.wait(); // a whole hour if the burst were not there
        }
        assert!(!limiter.try_acquire(), "the burst is spent");

        let tick = Duration::from_millis(20);
        let limiter = RateLimiter::bursty(tick, 2).unwrap();
        let start = Instant::now();
        for _ in 0..7 {
            limiter.wait();
        }
        assert!(
            start.elapsed() >= tick * 5,
            "7 permits, burst 2: at least 5 intervals"
        );
    });
}

#[test]
fn concurrent_waiters_are_spaced_an_interval_apart() {
    let took = within(STEP_DEADLINE, || {
        let tick = Duration::from_millis(25);
        let limiter = RateLimiter::steady(tick).unwrap();
        let start = Instant::now();
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    limiter.wait();
                    limiter.wait();
                });
            }
        });
        start.elapsed()
    });
    assert!(
        took >= Duration::from_millis(25 * 7),
        "8 permits in {took:?}"
    );
}

#[test]
fn nonsense_limits_are_refused() {
    assert_eq!(
        RateLimiter::bursty(Duration::from_millis(1), 0).err(),
        Some(RateLimitError::ZeroBurst)
    );
    assert!(matches!(
        RateLimiter::bursty(Duration::MAX, 2),
        Err(RateLimitError::TooSlow(None))
    ));
    assert!(matches!(
        RateLimiter::steady(Duration::from_secs(400 * 24 * 3600)),
        Err(RateLimitError::TooSlow(Some(_)))
    ));
    let unlimited = RateLimiter::steady(Duration::ZERO).unwrap();
    assert!((0..1000).all(|_| unlimited.try_acquire()));
}
