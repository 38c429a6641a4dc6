// Mistake: busy-waiting. A replica that failed stays in the select!, whose closed channel fires again and again.

use crossbeam::channel::{Receiver, bounded, select};
use std::thread;
use std::time::Duration;

/// The first answer from replica `a` or `b`. A replica that closes its channel without answering is
/// out of the race; `None` if both are.
pub fn first_answer(a: Receiver<String>, b: Receiver<String>) -> Option<String> {
    let (a, b) = (a, b);
    let (mut a_in, mut b_in) = (true, true);
    while a_in || b_in {
        select! {
            recv(a) -> answer => match answer {
                Ok(answer) => return Some(answer),
                // Closed without answering: a closed channel is always ready, so disable this arm.
                Err(_) => a_in = false,
            },
            recv(b) -> answer => match answer {
                Ok(answer) => return Some(answer),
                Err(_) => b_in = false,
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
