//! A pipeline: stages joined by channels, each on its own thread (section 5.4).
//!
//! Every stage owns the `Sender` of its output, so when a stage's input closes and its loop
//! ends, its thread returns, the `Sender` drops and the next stage sees its own input close: a
//! close travels down the chain with no extra code. A stage also stops early when whoever reads
//! its output hangs up: its next send fails (Go's would block forever), it returns, and its
//! input `Receiver` drops, so the stage above stops at *its* next send. Dropping the last
//! receiver therefore winds the whole chain up.
//!
//! A [`filter`] that rejects every item never sends, so it notices a hang-up only once it passes
//! an item again or its input closes; crossbeam cannot tell a sender that nobody listens without
//! a send.

#[cfg(feature = "lesson")]
use chanlab_common::Cx;
use crossbeam_channel::{Receiver, bounded};
use std::thread;

// ANCHOR: stages
/// A stage that sends every item of `items` in order, then closes its output.
///
/// Go's `generateNumbers`: the output is unbuffered, so the stage runs one item ahead of its
/// reader at most.
///
/// ```
/// use chanlab_patterns::generate;
///
/// let numbers = generate(1..=3);
/// assert_eq!(numbers.iter().collect::<Vec<_>>(), [1, 2, 3]);
/// ```
///
/// An endless source is fine: dropping the receiver stops it.
///
/// ```
/// let naturals = chanlab_patterns::generate(0u64..);
/// assert_eq!(naturals.iter().take(3).collect::<Vec<_>>(), [0, 1, 2]);
/// drop(naturals); // the generator's next send fails and its thread returns
/// ```
///
/// # Panics
///
/// If the operating system cannot start a thread, as [`thread::spawn`] does.
pub fn generate<I>(items: I) -> Receiver<I::Item>
where
    I: IntoIterator + Send + 'static,
    I::Item: Send + 'static,
{
    let (tx, rx) = bounded(0);
    stage("generate", move || {
        for item in items {
            if tx.send(item).is_err() {
                return; // nobody reads the output any more
            }
        }
    }); // the thread returns, `tx` drops: the output closes
    rx
}

/// A stage that passes on the items of `input` for which `keep` is true, in order.
///
/// ```
/// use chanlab_patterns::{filter, generate};
///
/// let evens = filter(generate(1..=6), |n| n % 2 == 0);
/// assert_eq!(evens.iter().collect::<Vec<_>>(), [2, 4, 6]);
/// ```
///
/// # Panics
///
/// If the operating system cannot start a thread. A panic in `keep` ends the stage's thread,
/// which closes its output early.
pub fn filter<T, P>(input: Receiver<T>, mut keep: P) -> Receiver<T>
where
    T: Send + 'static,
    P: FnMut(&T) -> bool + Send + 'static,
{
    let (tx, rx) = bounded(0);
    stage("filter", move || {
        for item in &input {
            if keep(&item) && tx.send(item).is_err() {
                return;
            }
        }
    });
    rx
}

/// A stage that sends `f(item)` for every item of `input`, in order.
///
/// ```
/// use chanlab_patterns::{generate, map};
///
/// let squares = map(generate(1..=3), |n| n * n);
/// assert_eq!(squares.iter().collect::<Vec<_>>(), [1, 4, 9]);
/// ```
///
/// # Panics
///
/// If the operating system cannot start a thread. A panic in `f` ends the stage's thread, which
/// closes its output early.
pub fn map<T, U, F>(input: Receiver<T>, mut f: F) -> Receiver<U>
where
    T: Send + 'static,
    U: Send + 'static,
    F: FnMut(T) -> U + Send + 'static,
{
    let (tx, rx) = bounded(0);
    stage("map", move || {
        for item in &input {
            if tx.send(f(item)).is_err() {
                return;
            }
        }
    });
    rx
}
// ANCHOR_END: stages

/// Starts a stage's thread, named after the stage so it shows in a debugger and in `Cx` events.
pub(crate) fn stage(name: &str, body: impl FnOnce() + Send + 'static) {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(body)
        .expect("the operating system could not start a thread");
}

/// The course's pipeline (numbers → evens → squares), then an endless one cut short.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: pipeline
    let numbers = generate(1..=10);
    let evens = filter(numbers, |n| n % 2 == 0);
    let squares = map(evens, |n| n * n);
    let mut sum = 0;
    for square in &squares {
        cx.say(format!("square: {square}"));
        sum += square;
    }
    // ANCHOR_END: pipeline
    cx.say(format!(
        "the output closed after the last item: the sum of the even squares up to 10 is {sum}"
    ));

    // ANCHOR: hang_up
    let squares = map(filter(generate(1u64..), |n| n % 2 == 0), |n| n * n);
    let first: Vec<u64> = squares.iter().take(4).collect();
    drop(squares); // each stage's next send fails, so all three threads return
    // ANCHOR_END: hang_up
    cx.say(format!(
        "from an endless source, the first four: {first:?}; dropping the receiver stops every stage"
    ));
    Ok(())
}
