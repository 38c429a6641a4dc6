//! Lab `context_pipeline` (course section 5.8): cancel a pipeline with a Context.
//!
//! Go passes a `context.Context` to every stage; `ctx.Done()` is a channel that closes on cancel,
//! and every blocking step of a stage also selects on it. Here the consumer cancels but keeps its
//! receiver: no send fails, so a stage that only watches its channels waits forever. `count` shows
//! a stage that listens to the context; make `square` listen too.
//!
//! Check: `cargo xtask lab check context_pipeline`. Experiment: `cargo xtask lab run
//! context_pipeline`. The tests live in `labs/tests/context_pipeline.rs`: read them, don't edit
//! them.

use crossbeam::channel::{Receiver, Sender, bounded, select};
use std::thread;

/// A cancellation signal in the style of Go's `context.Context`.
#[derive(Clone)]
pub struct Context {
    done: Receiver<()>,
}

/// Cancels its `Context` when called or dropped.
pub struct CancelFn {
    /// Never sent on: dropping it closes the context's `done` channel.
    _done: Sender<()>,
}

/// A context and the function that cancels it.
pub fn with_cancel() -> (Context, CancelFn) {
    let (cancel, done) = bounded(0);
    (Context { done }, CancelFn { _done: cancel })
}

impl Context {
    /// A channel that closes when the context is cancelled; use it in `select!`.
    pub fn done(&self) -> &Receiver<()> {
        &self.done
    }
}

impl CancelFn {
    /// Cancels the context: its `done()` channel closes.
    pub fn cancel(self) {
        drop(self);
    }
}

/// Counts 1, 2, 3, … until the context is cancelled.
pub fn count(ctx: &Context) -> Receiver<u64> {
    let (out, numbers) = bounded(0);
    let ctx = ctx.clone();
    thread::spawn(move || {
        for n in 1.. {
            select! {
                send(out, n) -> sent => if sent.is_err() { return },
                recv(ctx.done()) -> _ => return,
            }
        }
    });
    numbers
}

/// Squares each number from `input` until `input` closes or the context is cancelled.
pub fn square(ctx: &Context, input: Receiver<u64>) -> Receiver<u64> {
    // TODO: this stage ignores the context. After a cancel it may be stuck in `out.send` (the
    // consumer no longer reads) or in `input.recv()`, for ever. Make both waits a `select!` that
    // also listens to `ctx.done()`, like `count` does (clone the context into the thread).
    let _ = ctx; // unused so far
    let (out, squares) = bounded(0);
    thread::spawn(move || {
        for n in input {
            if out.send(n * n).is_err() {
                return;
            }
        }
    });
    squares
}

fn main() {
    let (ctx, cancel) = with_cancel();
    let squares = square(&ctx, count(&ctx));
    for _ in 0..5 {
        println!("{}", squares.recv().expect("the pipeline runs"));
    }
    cancel.cancel();
    // `squares` is still alive here: only the context can stop the stages now.
    println!("cancelled; the stages stop by themselves");
}
