//! Every step of every lesson, many copies at once at a fast pace: none deadlocks (each batch
//! has a deadline), none leaves a thread behind, and each says what it says when run alone.
//!
//! # Comparing transcripts honestly
//!
//! A step's lines are compared with those of a run of the same step alone, at the same pace,
//! after masking what legitimately changes from run to run. How much changes depends on the
//! step, so each step has a [`Compare`] class, chosen from what its code does (and checked on
//! repeated runs), not loosened until the test passes:
//!
//! - [`Compare::Exact`]: only durations differ (`3.0s`, `12.5µs`): the same lines in the same
//!   order. The step orders its own lines (one thread says them, or channels sequence them).
//! - [`Compare::Unordered`]: the same lines, durations masked, in any order: several threads
//!   say them and the scheduler decides who speaks first.
//! - [`Compare::Shape`]: the same lines with every number masked too, in any order: the numbers
//!   themselves come from scheduling — updates lost in a deliberate race, which worker took which
//!   job, how often a busy loop spun, ports the system chose, a GIF of a random figure.
//! - [`Compare::Finishes`]: the step ends cleanly and says something, nothing more: which event
//!   wins is the lesson (a timeout racing a result, a cancellation racing work), and at a fast
//!   pace on a loaded machine either may win.
//!
//! The table must list every step that ends by itself: a new step fails
//! `the_table_lists_every_step` until someone decides how to compare it.

use chanlab_common::testing::no_threads_left;
use chanlab_common::{Cx, Lesson, Transcript};
use chanlab_hardening::{Figures, Scale, mask};
use std::sync::Once;
use std::thread;
use std::time::{Duration, Instant};

/// A test's pace: a 2 s sleep in a step lasts 20 ms.
const PACE: f64 = 0.01;

/// Every batch of copies of a step ends well within this, or it has deadlocked.
const DEADLINE: Duration = Duration::from_secs(60);

/// How the copies' transcripts are compared with the step's run alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compare {
    Exact,
    Unordered,
    Shape,
    Finishes,
}

use Compare::{Exact, Finishes, Shape, Unordered};

/// Every lesson, in tour order.
const LESSONS: [&Lesson; 7] = [
    &chanlab_channels::LESSON,
    &chanlab_select::LESSON,
    &chanlab_sync::LESSON,
    &chanlab_patterns::LESSON,
    &chanlab_fetchall::LESSON,
    &chanlab_server::LESSON,
    &chanlab_tasks::LESSON,
];

/// How each step is compared: (lesson, step, class).
const STEPS: &[(&str, &str, Compare)] = &[
    ("channels", "goroutines", Exact),
    ("channels", "unbuffered", Exact),
    ("channels", "handoff", Shape), // times and the kernel's counts
    ("channels", "buffered", Unordered),
    ("channels", "directions", Exact),
    ("channels", "close", Exact),
    ("channels", "range", Exact),
    ("channels", "done", Unordered),
    ("channels", "leak", Finishes), // which replica answered first, and the list that says so
    ("channels", "deadlock", Unordered),
    ("channels", "race", Finishes), // whether this run lost updates
    ("select", "basic", Unordered),
    ("select", "timeout", Finishes), // a timeout races the result
    ("select", "non_blocking", Exact),
    ("select", "timers", Exact),
    ("select", "tickers", Exact),
    ("select", "dynamic", Unordered),
    ("select", "nil", Shape), // how often the closed arm fired
    ("sync", "mutex", Exact),
    ("sync", "waitgroup", Unordered),
    ("sync", "rwlock", Shape), // which writer wrote last
    ("sync", "once", Shape),   // which thread ran the set-up
    ("sync", "atomic", Shape), // lost updates
    ("sync", "cond", Unordered),
    ("sync", "semaphore", Shape), // how many were inside at each entry
    ("sync", "monitor", Exact),
    ("patterns", "fan_out_fan_in", Unordered),
    ("patterns", "pipeline", Exact),
    ("patterns", "worker_pool", Shape), // which worker took which job
    ("patterns", "rate_limit", Unordered),
    ("patterns", "error_channel", Finishes), // a timeout races the failure
    ("patterns", "context", Finishes),       // how much work ran before the cancel
    ("patterns", "errgroup", Finishes),      // which downloads finished before the first error
    ("patterns", "bounded", Shape),          // threads alive at once
    ("patterns", "memo", Unordered),
    ("fetchall", "concurrent", Shape), // ports
    ("fetchall", "sequential", Shape),
    ("fetchall", "errors", Shape),
    ("server", "echo", Shape),
    ("server", "counter", Exact),
    ("server", "lissajous", Shape), // a random figure: its size in bytes varies
    ("tasks", "spawn", Shape),      // times and memory per unit
    ("tasks", "channels", Unordered), // the sender and the receiver say their part at once
    ("tasks", "select", Finishes),  // a timeout races an answer ten times slower
    ("tasks", "pipeline", Exact),
    ("tasks", "fan_in", Finishes), // the order in which producers' items arrived
    ("tasks", "worker_pool", Shape), // jobs at work at once
    ("tasks", "context", Shape),   // ticks before each cancel
    ("tasks", "errgroup", Finishes), // which downloads finished before the first error
    ("tasks", "rate_limit", Shape), // when each tick came
    ("tasks", "blocking", Finishes), // how many heartbeats fit around the call
    ("tasks", "serve", Shape),     // ports, and connections that fit the descriptor limit
];

/// Steps that cannot run many copies at once, and how many can. `goroutines` starts 10,000
/// threads at once; each thread takes four memory maps (its stack and the signal stack std
/// gives it, each with a guard page) and Linux allows 65,530 by default, so a second copy
/// would exhaust them — and a thread that cannot map its signal stack aborts the process.
/// The tasks lesson's `spawn` starts as many threads beside its 100,000 tasks, and its `serve`
/// holds both ends of 1,000 connections: two copies could run out of file descriptors.
const AT_MOST: &[(&str, &str, usize)] = &[
    ("channels", "goroutines", 1),
    ("tasks", "spawn", 1),
    ("tasks", "serve", 1),
];

/// The lines of a transcript, prepared for comparison by `compare`.
fn key(compare: Compare, transcript: &Transcript) -> Vec<String> {
    let mut lines: Vec<String> = match compare {
        Exact | Unordered => transcript
            .lines()
            .into_iter()
            .map(mask::durations)
            .collect(),
        Shape => transcript.lines().into_iter().map(mask::numbers).collect(),
        Finishes => Vec::new(),
    };
    if compare != Exact {
        lines.sort();
    }
    lines
}

/// What stressing one step found.
struct Stressed {
    copies: usize,
    took: Duration,
    mismatches: Vec<String>,
}

/// Runs `copies` copies of the step at once, `rounds` times, and compares each transcript with
/// the step's run alone.
fn stress(
    lesson: &'static Lesson,
    step: &'static str,
    compare: Compare,
    copies: usize,
    rounds: usize,
) -> Stressed {
    let run = lesson.step(step).expect("a step of the lesson").run;
    let alone = no_threads_left(DEADLINE, move || {
        let cx = Cx::capture(PACE);
        run(&cx)
            .map(|()| cx.transcript())
            .map_err(|e| format!("{e:#}"))
    })
    .unwrap_or_else(|e| panic!("{}::{step} failed when run alone: {e}", lesson.name));
    let expected = key(compare, &alone);
    let start = Instant::now();
    let mut mismatches = Vec::new();
    for _ in 0..rounds {
        let results = no_threads_left(DEADLINE, move || {
            thread::scope(|s| {
                let runs: Vec<_> = (0..copies)
                    .map(|_| {
                        s.spawn(move || {
                            let cx = Cx::capture(PACE);
                            let result = run(&cx).map_err(|e| format!("{e:#}"));
                            (result, cx.transcript())
                        })
                    })
                    .collect();
                runs.into_iter()
                    .map(|r| r.join().expect("a step copy panicked"))
                    .collect::<Vec<_>>()
            })
        });
        for (result, transcript) in results {
            let got = key(compare, &transcript);
            if let Err(e) = result {
                mismatches.push(format!("failed: {e}\n{transcript}"));
            } else if transcript.events.is_empty() {
                mismatches.push("said nothing".into());
            } else if got != expected {
                mismatches.push(format!(
                    "said, masked:\n  {}\nwhere alone it said:\n  {}\nlines only here: {:?}\nlines only alone: {:?}",
                    got.join("\n  "),
                    expected.join("\n  "),
                    missing(&got, &expected),
                    missing(&expected, &got),
                ));
            }
        }
    }
    Stressed {
        copies,
        took: start.elapsed(),
        mismatches,
    }
}

/// The lines of `a` that `b` lacks, counting repeats.
fn missing<'a>(a: &'a [String], b: &[String]) -> Vec<&'a str> {
    let mut b: Vec<&str> = b.iter().map(String::as_str).collect();
    a.iter()
        .filter(|line| match b.iter().position(|l| l == line) {
            Some(i) => {
                b.swap_remove(i);
                false
            }
            None => true,
        })
        .map(String::as_str)
        .collect()
}

/// The panics steps make on purpose, to show what becomes of them: the sync lesson's waitgroup
/// step has a task fail, and `WaitGroup::go` still counts it out.
const DELIBERATE_PANICS: &[&str] = &["task 2 failed"];

/// Some steps show a panic on purpose and catch it; many copies of them would fill the output
/// with backtraces. From here on a deliberate panic prints nothing, and any other prints its
/// thread, place and message on one line, as the default hook does without a backtrace.
fn short_panic_messages() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let thread = thread::current();
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if DELIBERATE_PANICS.contains(&message.as_str()) {
                return;
            }
            let place = info.location().map(|l| l.to_string()).unwrap_or_default();
            let name = thread.name().unwrap_or("<unnamed>");
            eprintln!("thread '{name}' panicked at {place}: {message}");
        }));
    });
}

/// Stresses every step of `lesson` that ends by itself, prints the figures, and fails on any
/// mismatch.
fn stress_lesson(lesson: &'static Lesson) {
    short_panic_messages();
    let scale = Scale::from_env();
    let (copies, rounds) = scale.pick((4, 1), (8, 5));
    let mut figures = Figures::new(format!(
        "stress: lesson {}, {copies} copies of each step at once, {rounds} round(s), pace {PACE}",
        lesson.name
    ));
    let mut failures = Vec::new();
    for step in lesson.steps.iter().filter(|s| !s.endless) {
        let compare = class(lesson.name, step.name);
        let copies = AT_MOST
            .iter()
            .find(|(l, s, _)| *l == lesson.name && *s == step.name)
            .map_or(copies, |(_, _, most)| copies.min(*most));
        let stressed = stress(lesson, step.name, compare, copies, rounds);
        figures.add(
            step.name,
            format!(
                "{} runs ({} at once) in {:.2?}, compared {compare:?}: {} mismatched",
                stressed.copies * rounds,
                stressed.copies,
                stressed.took,
                stressed.mismatches.len()
            ),
        );
        failures.extend(
            stressed
                .mismatches
                .into_iter()
                .map(|m| format!("{}::{}: {m}", lesson.name, step.name)),
        );
    }
    figures.print();
    assert!(
        failures.is_empty(),
        "{}\n{figures}",
        failures[..failures.len().min(5)].join("\n\n")
    );
}

/// The class of a step in [`STEPS`].
fn class(lesson: &str, step: &str) -> Compare {
    STEPS
        .iter()
        .find(|(l, s, _)| *l == lesson && *s == step)
        .map(|(_, _, c)| *c)
        .unwrap_or_else(|| panic!("{lesson}::{step} is not in STEPS: decide how to compare it"))
}

#[test]
fn the_table_lists_every_step() {
    for lesson in LESSONS {
        for step in lesson.steps.iter().filter(|s| !s.endless) {
            class(lesson.name, step.name);
        }
    }
    for (lesson, step, _) in STEPS {
        let known = LESSONS
            .iter()
            .find(|l| l.name == *lesson)
            .and_then(|l| l.step(step));
        assert!(known.is_some(), "{lesson}::{step} is not a step");
    }
}

#[test]
fn channels() {
    stress_lesson(&chanlab_channels::LESSON);
}

#[test]
fn select() {
    stress_lesson(&chanlab_select::LESSON);
}

#[test]
fn sync() {
    stress_lesson(&chanlab_sync::LESSON);
}

#[test]
fn patterns() {
    stress_lesson(&chanlab_patterns::LESSON);
}

#[test]
fn fetchall() {
    stress_lesson(&chanlab_fetchall::LESSON);
}

#[test]
fn server() {
    stress_lesson(&chanlab_server::LESSON);
}

#[test]
fn tasks() {
    stress_lesson(&chanlab_tasks::LESSON);
}
