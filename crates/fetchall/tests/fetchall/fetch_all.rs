//! Tests of `fetch_all`: completion order, real concurrency, the concurrency limit, early hang-up.

use crate::support::CountingServer;
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left};
use chanlab_fetchall::concurrent::{Options, fetch_all};
use std::time::{Duration, Instant};

#[test]
fn outcomes_arrive_in_completion_order() {
    let order = no_threads_left(STEP_DEADLINE, || {
        let server = chanlab_server::Server::bind("127.0.0.1:0")
            .unwrap()
            .spawn()
            .unwrap();
        let urls: Vec<String> = [600, 200, 400]
            .iter()
            .map(|ms| format!("http://{}/sleep?ms={ms}", server.addr()))
            .collect();
        let order: Vec<String> = fetch_all(urls, &Options::default())
            .iter()
            .map(|outcome| outcome.expect("the fetch succeeds").url)
            .collect();
        drop(server);
        order
    });
    let delays: Vec<&str> = order
        .iter()
        .map(|url| url.rsplit('=').next().unwrap())
        .collect();
    assert_eq!(delays, ["200", "400", "600"]);
}

#[test]
fn n_fetches_of_d_take_far_less_than_n_times_d() {
    let (elapsed, ok) = no_threads_left(STEP_DEADLINE, || {
        let delay = Duration::from_millis(200);
        let server = CountingServer::start(delay, 10);
        let urls: Vec<String> = (0..10).map(|i| server.url(&format!("/{i}"))).collect();
        let start = Instant::now();
        let ok = fetch_all(
            urls,
            &Options {
                concurrency: 10,
                ..Options::default()
            },
        )
        .iter()
        .filter(Result::is_ok)
        .count();
        (start.elapsed(), ok)
    });
    assert_eq!(ok, 10);
    // Sequentially this takes 10 × 200 ms = 2 s; concurrently about 200 ms.
    assert!(elapsed < Duration::from_millis(1000), "took {elapsed:?}");
}

#[test]
fn the_concurrency_limit_is_respected() {
    for limit in [1, 3] {
        let (peak, served) = no_threads_left(STEP_DEADLINE, move || {
            let server = CountingServer::start(Duration::from_millis(30), 10);
            let urls: Vec<String> = (0..12).map(|i| server.url(&format!("/{i}"))).collect();
            let outcomes = fetch_all(
                urls,
                &Options {
                    concurrency: limit,
                    ..Options::default()
                },
            );
            assert!(outcomes.iter().all(|o| o.is_ok()));
            (server.peak(), server.served())
        });
        assert_eq!(served, 12);
        assert!(
            peak <= limit,
            "limit {limit}, but the server saw {peak} at once"
        );
        assert_eq!(
            peak, limit,
            "limit {limit} should be reached with 12 slow URLs"
        );
    }
}

#[test]
fn dropping_the_receiver_stops_the_rest_and_leaves_no_thread() {
    no_threads_left(STEP_DEADLINE, || {
        let server = CountingServer::start(Duration::from_millis(20), 10);
        let urls: Vec<String> = (0..200).map(|i| server.url(&format!("/{i}"))).collect();
        let outcomes = fetch_all(
            urls,
            &Options {
                concurrency: 2,
                ..Options::default()
            },
        );
        assert!(outcomes.recv().unwrap().is_ok());
        drop(outcomes);
        // Give the in-flight fetches time to notice; then far fewer than 200 were served.
        std::thread::sleep(Duration::from_millis(300));
        let served = server.served();
        assert!(served < 100, "{served} of 200 served after hanging up");
    });
}
