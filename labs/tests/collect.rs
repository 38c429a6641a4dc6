//! Tests of the `collect` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/collect.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/collect.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, no_threads_left, seeded, timed, within};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(5);

/// A fetch that takes as long as the URL says: "fast" 50 ms, "mid" 200 ms, "<name>-<ms>" that
/// many milliseconds, anything else 400 ms.
fn fake_fetch(url: &str) -> String {
    let ms = match url {
        "fast" => 50,
        "mid" => 200,
        _ => url
            .rsplit_once('-')
            .and_then(|(_, ms)| ms.parse().ok())
            .unwrap_or(400),
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

#[test]
fn every_answer_arrives_however_slow_a_fetch_is() {
    seeded(|rng| {
        // Quick fetches, and one far slower: code that stops listening after some fixed time
        // without an answer loses it.
        let mut urls: Vec<String> = (0..4)
            .map(|i| format!("quick{i}-{}", rng.between(10, 60)))
            .collect();
        let slow = rng.between(700, 1500);
        urls.push(format!("slow-{slow}"));
        rng.shuffle(&mut urls);
        let answers = within(DEADLINE, move || {
            let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
            lab::fetch_all(&urls, fake_fetch)
        });
        assert_eq!(
            answers.len(),
            5,
            "5 URLs, one of them answering after {slow} ms, and {} answers: {answers:?}. Wait \
             until every thread has sent (the channel closes), not for a fixed time",
            answers.len()
        );
    });
}

#[test]
fn it_returns_as_soon_as_the_last_answer_is_in() {
    seeded(|rng| {
        let urls: Vec<String> = (0..4)
            .map(|i| format!("quick{i}-{}", rng.between(10, 50)))
            .collect();
        let (answers, took) = within(DEADLINE, move || {
            let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
            timed(|| lab::fetch_all(&urls, fake_fetch))
        });
        assert_eq!(answers.len(), 4, "{answers:?}");
        assert!(
            took < Duration::from_millis(250),
            "4 fetches of at most 50 ms took {took:?}: after the last answer it went on waiting. \
             Stop when the channel closes (every Sender dropped), not after a fixed time"
        );
    });
}

#[test]
fn waiting_for_the_answers_leaves_the_cores_idle() {
    let (answers, cpu) = within(DEADLINE, || {
        cpu_used(|| lab::fetch_all(&["a-500", "b-500", "c-500"], fake_fetch))
    });
    assert_eq!(answers.len(), 3, "{answers:?}");
    if let Some(cpu) = cpu {
        cpu.assert_idle("waited for three fetches of 500 ms");
    }
}
