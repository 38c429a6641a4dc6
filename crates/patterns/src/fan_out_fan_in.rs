//! Fan-out, fan-in: several workers share one input channel, and their outputs are merged back
//! into one (section 5.4).
//!
//! Fan-out needs nothing special: a crossbeam `Receiver` can be cloned, and each message goes to
//! exactly one of the clones, as with a Go channel read by several goroutines. Fan-in is
//! [`merge`]. Go's `merge` starts a goroutine per input and a `WaitGroup` to close the output
//! once they are all done; here one thread waits on every input at once with a [`Select`], and
//! the output closes when that thread returns and drops its `Sender`.

use crate::pipeline::stage;
use crossbeam_channel::{Receiver, Select, bounded};
use std::sync::Arc;
#[cfg(feature = "lesson")]
use {
    crate::pipeline::generate,
    chanlab_common::Cx,
    std::time::{Duration, Instant},
};

// ANCHOR: fan_out
/// Starts `workers` threads, named `worker 1`, `worker 2`…, that share `input`: each takes the
/// next item, sends `work(item)` on its own output and carries on until `input` closes.
///
/// ```
/// use chanlab_patterns::{fan_out, generate, merge};
///
/// let outputs = fan_out(&generate(1..=4), 2, |n| n * 10);
/// assert_eq!(outputs.len(), 2);
/// let mut all: Vec<i32> = merge(outputs).iter().collect();
/// all.sort();
/// assert_eq!(all, [10, 20, 30, 40]);
/// ```
///
/// # Panics
///
/// If the operating system cannot start a thread.
pub fn fan_out<T, U, F>(input: &Receiver<T>, workers: usize, work: F) -> Vec<Receiver<U>>
where
    T: Send + 'static,
    U: Send + 'static,
    F: Fn(T) -> U + Send + Sync + 'static,
{
    let work = Arc::new(work);
    (1..=workers)
        .map(|id| {
            let (input, work) = (input.clone(), Arc::clone(&work));
            let (tx, rx) = bounded(0);
            stage(&format!("worker {id}"), move || {
                for item in &input {
                    if tx.send(work(item)).is_err() {
                        return;
                    }
                }
            });
            rx
        })
        .collect()
}
// ANCHOR_END: fan_out

// ANCHOR: merge
/// Fan-in: one channel carrying every item of every input, each input's items in their order.
/// The output closes once every input has closed, and not before.
///
/// A single thread named `merge` selects over the inputs that are still open. If the output's
/// receiver is dropped, it stops at its next send and drops the inputs, which stops their
/// senders in turn.
///
/// ```
/// use chanlab_patterns::{generate, merge};
///
/// let merged = merge(vec![generate(vec!["a1", "a2"]), generate(vec!["b1"])]);
/// let mut all: Vec<&str> = merged.iter().collect();
/// all.sort();
/// assert_eq!(all, ["a1", "a2", "b1"]);
/// ```
///
/// # Panics
///
/// If the operating system cannot start a thread.
pub fn merge<T: Send + 'static>(inputs: Vec<Receiver<T>>) -> Receiver<T> {
    let (tx, rx) = bounded(0);
    stage("merge", move || {
        let mut select = Select::new();
        for input in &inputs {
            select.recv(input);
        }
        let mut open = inputs.len();
        while open > 0 {
            let ready = select.select();
            let index = ready.index();
            match ready.recv(&inputs[index]) {
                Ok(item) => {
                    if tx.send(item).is_err() {
                        return; // nobody reads the output any more
                    }
                }
                Err(_) => {
                    // Closed: stop watching it, or it would be ready in every select.
                    select.remove(index);
                    open -= 1;
                }
            }
        }
    });
    rx
}
// ANCHOR_END: merge

/// Twelve numbers squared by three workers, each square taking 100 ms; the results merged.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let start = Instant::now();
    // ANCHOR: fan_out_fan_in
    let input = generate(1..=12u64);
    let worker_cx = cx.clone();
    let outputs = fan_out(&input, 3, move |n| {
        worker_cx.sleep(Duration::from_millis(100)); // the expensive part
        worker_cx.say(format!("squared {n}"));
        n * n
    });
    drop(input); // the workers hold their own clones
    let mut sum = 0;
    for square in merge(outputs) {
        sum += square;
    }
    // ANCHOR_END: fan_out_fan_in
    let took = cx.secs_taken(start.elapsed());
    let each = Duration::from_millis(100);
    cx.say(format!("sum of the squares of 1..=12: {sum}"));
    cx.say(format!(
        "12 squares of {} each took {took:.1} on 3 workers; one after another: {}",
        cx.secs(each),
        cx.secs(each * 12)
    ));
    Ok(())
}
