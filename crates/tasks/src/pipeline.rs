//! A pipeline of tasks: generate → keep the even → square, each stage a task joined to the next
//! by a channel (section 5.4).
//!
//! The channels are [unbuffered](crate::unbuffered), as Go's `make(chan int)`: chosen over
//! tokio's `mpsc` by the figures of `cargo xtask bench pipeline`. Each stage closes its output
//! when its input closes (its `Sender` is dropped as the task ends), and stops early when its
//! consumer goes away (a send fails), so dropping the last `Receiver` winds the whole pipeline
//! down.

use crate::unbuffered::{self, Receiver};
#[cfg(feature = "lesson")]
use chanlab_common::Cx;

// ANCHOR: stages
/// A stage that sends every item of `items`, then closes its output.
///
/// ```
/// use chanlab_tasks::pipeline::{filter, generate, map};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut squares = map(filter(generate(1..=10), |n| n % 2 == 0), |n| n * n);
/// let mut sum = 0;
/// while let Some(n) = squares.recv().await {
///     sum += n;
/// }
/// assert_eq!(sum, 220);
/// # }
/// ```
///
/// # Panics
///
/// Outside a tokio runtime, as [`tokio::spawn`] does.
pub fn generate<I>(items: I) -> Receiver<I::Item>
where
    I: IntoIterator + Send + 'static,
    I::IntoIter: Send,
    I::Item: Send + 'static,
{
    let (tx, rx) = unbuffered::channel();
    tokio::spawn(async move {
        for item in items {
            if tx.send(item).await.is_err() {
                return; // nobody is listening any more
            }
        }
    });
    rx
}

/// A stage that passes on the items of `input` for which `keep` is true.
pub fn filter<T, F>(mut input: Receiver<T>, keep: F) -> Receiver<T>
where
    T: Send + 'static,
    F: Fn(&T) -> bool + Send + 'static,
{
    let (tx, rx) = unbuffered::channel();
    tokio::spawn(async move {
        while let Some(item) = input.recv().await {
            if keep(&item) && tx.send(item).await.is_err() {
                return;
            }
        }
    });
    rx
}

/// A stage that sends `f(item)` for every item of `input`.
pub fn map<T, U, F>(mut input: Receiver<T>, f: F) -> Receiver<U>
where
    T: Send + 'static,
    U: Send + 'static,
    F: Fn(T) -> U + Send + 'static,
{
    let (tx, rx) = unbuffered::channel();
    tokio::spawn(async move {
        while let Some(item) = input.recv().await {
            if tx.send(f(item)).await.is_err() {
                return;
            }
        }
    });
    rx
}
// ANCHOR_END: stages

#[cfg(feature = "lesson")]
/// The course's pipeline on 1..=10, then a long one whose consumer stops after three squares.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    crate::runtime(2)?.block_on(async {
        // ANCHOR: pipeline
        let numbers = generate(1..=10u64);
        let evens = filter(numbers, |n| n % 2 == 0);
        let mut squares = map(evens, |n| n * n);
        let mut all = Vec::new();
        while let Some(n) = squares.recv().await {
            all.push(n);
        }
        // ANCHOR_END: pipeline
        cx.say(format!("squares of the even numbers in 1..=10: {all:?}"));

        let mut endless = map(generate(1u64..), |n| n * n);
        let mut first = Vec::new();
        while first.len() < 3 {
            first.extend(endless.recv().await);
        }
        drop(endless); // each stage's next send fails, and it ends
        cx.say(format!(
            "took {first:?} from an endless pipeline and dropped it: its tasks ended"
        ));
        Ok(())
    })
}
