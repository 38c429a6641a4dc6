//! Lab `first_response` (course section 5.5), reference solution: take whichever replica answers
//! first, with `select!`, and stop listening to a replica that failed.

use crossbeam::channel::{Receiver, bounded, never, select};
use std::thread;
use std::time::Duration;

/// The first answer from replica `a` or `b`. A replica that closes its channel without answering is
/// out of the race; `None` if both are.
pub fn first_answer(a: Receiver<String>, b: Receiver<String>) -> Option<String> {
    let (mut a, mut b) = (a, b);
    let (mut a_in, mut b_in) = (true, true);
    while a_in || b_in {
        select! {
            recv(a) -> answer => match answer {
                Ok(answer) => return Some(answer),
                // Closed without answering: a closed channel is always ready, so disable this arm.
                Err(_) => (a, a_in) = (never(), false),
            },
            recv(b) -> answer => match answer {
                Ok(answer) => return Some(answer),
                Err(_) => (b, b_in) = (never(), false),
            },
        }
    }
    None
}

/// A replica that answers `answer` after `delay` (or fails, if `answer` is `None`).
fn replica(answer: Option<&'static str>, delay: Duration) -> Receiver<String> {
    let (tx, rx) = bounded(1);
    thread::spawn(move || {
        thread::sleep(delay);
        if let Some(answer) = answer {
            let _ = tx.send(answer.to_string());
        }
    });
    rx
}

fn main() {
    let a = replica(Some("answer from a"), Duration::from_millis(500));
    let b = replica(Some("answer from b"), Duration::from_millis(100));
    println!("{:?}", first_answer(a, b));
    let a = replica(None, Duration::ZERO);
    let b = replica(Some("answer from b"), Duration::from_millis(100));
    println!("{:?}", first_answer(a, b));
}
