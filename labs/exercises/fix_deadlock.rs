//! Lab `fix_deadlock` (course section 5.10): find and fix a deadlock.
//!
//! Threads sit in a ring; each passes its number to its right-hand neighbour and takes one from its
//! left. `pass_right` never returns. Find the circular wait and break it. (Go would stop the
//! program with "all goroutines are asleep - deadlock!"; Rust's threads just wait, silently, for
//! ever — the tests give up after a deadline.)
//!
//! Check: `cargo xtask lab check fix_deadlock`. Experiment: `cargo xtask lab run fix_deadlock`
//! (it hangs until you fix it: stop it with Ctrl-C). The tests live in `labs/tests/fix_deadlock.rs`:
//! read them, don't edit them.

use crossbeam::channel::{Receiver, Sender, bounded};
use std::thread;

/// Passes numbers around a ring of `n` threads (at least 2): thread `i` sends `i` to thread
/// `i + 1` (the last sends to thread 0) and receives from thread `i - 1`. Returns what each thread
/// received, by thread.
///
/// Panics if `n < 2`: a ring needs two.
pub fn pass_right(n: usize) -> Vec<usize> {
    assert!(n >= 2, "a ring needs at least two threads, not {n}");
    // Channel `i` carries the number that thread `i` receives.
    let (senders, receivers): (Vec<Sender<usize>>, Vec<Receiver<usize>>) =
        (0..n).map(|_| bounded(0)).unzip();
    let threads: Vec<_> = receivers
        .into_iter()
        .enumerate()
        .map(|(i, from_left)| {
            let to_right = senders[(i + 1) % n].clone();
            // TODO: this deadlocks. Which operation is every thread waiting in, and for whom?
            thread::spawn(move || {
                to_right.send(i).expect("the neighbour is alive");
                from_left.recv().expect("the neighbour sends")
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("a thread panicked"))
        .collect()
}

fn main() {
    println!("{:?}", pass_right(5));
}
