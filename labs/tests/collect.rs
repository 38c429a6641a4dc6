//! Tests of the `collect` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/collect.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/collect.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, timed, within};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(5);

/// A fetch that takes as long as the URL says: "fast" 50 ms, "mid" 200 ms, anything else 400 ms.
fn fake_fetch(url: &str) -> String {
    let ms = match url {
        "fast" => 50,
        "mid" => 200,
        _ => 400,
    };
    thread::sleep(Duration::from_millis(ms));
    format!("{url} after {ms} ms")
}

#[test]
fn answers_arrive_in_the_order_the_fetches_finish() {
    let answers = within(DEADLINE, || {
        lab::fetch_all(&["slow", "fast", "mid"], fake_fetch)
    });
    assert_eq!(
        answers,
        ["fast after 50 ms", "mid after 200 ms", "slow after 400 ms"],
        "the fastest fetch should answer first: are the fetches running at the same time?"
    );
}

#[test]
fn fetches_run_at_the_same_time() {
    let urls = ["a", "b", "c", "d"];
    let (answers, took) = within(DEADLINE, move || {
        timed(|| lab::fetch_all(&urls, fake_fetch))
    });
    assert_eq!(answers.len(), urls.len(), "one answer per URL: {answers:?}");
    // One after another, four fetches of 400 ms take 1.6 s; at the same time, about 0.4 s.
    assert!(
        took < Duration::from_millis(1000),
        "4 fetches of 400 ms took {took:?}: they ran one after another, not at the same time"
    );
}

#[test]
fn no_urls_no_answers() {
    let answers = within(DEADLINE, || lab::fetch_all(&[], fake_fetch));
    assert!(answers.is_empty(), "{answers:?}");
}

#[test]
fn every_thread_has_ended_when_it_returns() {
    let answers = no_threads_left(DEADLINE, || {
        lab::fetch_all(&["fast", "fast", "fast", "mid"], fake_fetch)
    });
    assert_eq!(answers.len(), 4, "{answers:?}");
}
