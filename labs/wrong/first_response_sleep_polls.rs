// Mistake: polling with a sleep. It looks at each replica with try_recv, then sleeps a millisecond, in a loop.

use crossbeam::channel::{Receiver, TryRecvError, bounded};
use std::thread;
use std::time::Duration;

/// The first answer from replica `a` or `b`. A replica that closes its channel without answering is
/// out of the race; `None` if both are.
pub fn first_answer(a: Receiver<String>, b: Receiver<String>) -> Option<String> {
    let (mut a_in, mut b_in) = (true, true);
    while a_in || b_in {
        for (replica, still_in) in [(&a, &mut a_in), (&b, &mut b_in)] {
            match replica.try_recv() {
                Ok(answer) => return Some(answer),
                Err(TryRecvError::Disconnected) => *still_in = false,
                Err(TryRecvError::Empty) => {}
            }
        }
        thread::sleep(Duration::from_millis(1));
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
