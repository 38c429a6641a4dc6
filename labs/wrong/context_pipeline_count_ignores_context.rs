// Mistake: count ignores its context: it stops only when a send fails, so a cancel while its reader waits does not stop it.

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
        let _ = ctx;
        for n in 1.. {
            if out.send(n).is_err() {
                return;
            }
        }
    });
    numbers
}

/// Squares each number from `input` until `input` closes or the context is cancelled.
pub fn square(ctx: &Context, input: Receiver<u64>) -> Receiver<u64> {
    let (out, squares) = bounded(0);
    let ctx = ctx.clone();
    thread::spawn(move || {
        loop {
            let n = select! {
                recv(input) -> n => match n {
                    Ok(n) => n,
                    Err(_) => return, // the input closed
                },
                recv(ctx.done()) -> _ => return,
            };
            select! {
                send(out, n * n) -> sent => if sent.is_err() { return },
                recv(ctx.done()) -> _ => return,
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
