//! `/count` and the `counter` step: concurrent requests are all counted, none twice.

use crate::support::{DEADLINE, agent, get};
use chanlab_common::testing::{no_threads_left, run_step, run_step_with_args};
use chanlab_server::{Config, Server, counter};
use std::sync::Barrier;
use std::thread;

#[test]
fn the_step_counts_every_request() {
    let t = run_step(counter::run, 1.0);
    let total = counter::THREADS * counter::REQUESTS;
    assert!(t.contains(&format!("/count says: Count {total}")), "{t}");
    assert!(t.contains("no increment lost"), "{t}");
    let t = run_step_with_args(counter::run, 1.0, &["3", "7"]);
    assert!(t.contains("/count says: Count 21"), "{t}");
}

#[test]
fn two_hundred_concurrent_requests_count_exactly() {
    for _ in 0..3 {
        no_threads_left(DEADLINE, || {
            let config = Config {
                max_connections: 256,
                ..Config::default()
            };
            let server = Server::bind_with("127.0.0.1:0", config)
                .unwrap()
                .spawn()
                .unwrap();
            let start = Barrier::new(200);
            thread::scope(|s| {
                for i in 0..200 {
                    let (start, url) = (&start, server.url(&format!("/{i}")));
                    s.spawn(move || {
                        let agent = agent();
                        start.wait(); // all at once
                        let (status, body) = get(&agent, &url);
                        assert_eq!(status, 200);
                        assert_eq!(body, format!("URL.Path = \"/{i}\"\n"));
                    });
                }
            });
            assert_eq!(get(&agent(), &server.url("/count")).1, "Count 200\n");
            // Asking for the count does not count.
            assert_eq!(get(&agent(), &server.url("/count")).1, "Count 200\n");
            server.shutdown().unwrap();
        });
    }
}
