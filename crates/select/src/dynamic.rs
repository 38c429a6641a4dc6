//! `Select` builds a select over any number of channels at run time (section 5.5).
//!
//! `select!` has a fixed list of arms; when the channels are only known at run time (Go reaches
//! for `reflect.Select`), crossbeam's [`Select`] takes them one by one and can drop an arm once
//! its channel has closed.

use crossbeam_channel::{Receiver, Select};
#[cfg(feature = "lesson")]
use {chanlab_common::Cx, crossbeam_channel::bounded, std::thread, std::time::Duration};

// ANCHOR: drain_all
/// Receives from every receiver until all are closed, calling `f(index, message)` for each
/// message as it arrives.
///
/// ```
/// use crossbeam_channel::unbounded;
///
/// let (a_tx, a) = unbounded();
/// let (b_tx, b) = unbounded();
/// a_tx.send(1).unwrap();
/// b_tx.send(2).unwrap();
/// drop((a_tx, b_tx));
/// let mut got = Vec::new();
/// chanlab_select::dynamic::drain_all(&[a, b], |i, v| got.push((i, v)));
/// got.sort();
/// assert_eq!(got, [(0, 1), (1, 2)]);
/// ```
pub fn drain_all<T>(receivers: &[Receiver<T>], mut f: impl FnMut(usize, T)) {
    let mut select = Select::new();
    for rx in receivers {
        select.recv(rx);
    }
    let mut open = receivers.len();
    while open > 0 {
        let ready = select.select();
        let index = ready.index();
        match ready.recv(&receivers[index]) {
            Ok(message) => f(index, message),
            Err(_) => {
                select.remove(index); // closed: stop watching it, or it would be ready forever
                open -= 1;
            }
        }
    }
}
// ANCHOR_END: drain_all

/// Four producers at different speeds, one select over all of them built at run time.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let speeds_ms = [300u64, 500, 700, 1100];
    let messages_each = 3;
    let mut received = vec![0; speeds_ms.len()];
    thread::scope(|s| {
        let receivers: Vec<Receiver<String>> = speeds_ms
            .iter()
            .enumerate()
            .map(|(id, &ms)| {
                let (tx, rx) = bounded(0);
                s.spawn(move || {
                    for n in 1..=messages_each {
                        cx.sleep(Duration::from_millis(ms));
                        let _ = tx.send(format!("producer {id} message {n}"));
                    }
                });
                rx
            })
            .collect();
        drain_all(&receivers, |index, message| {
            received[index] += 1;
            cx.say(format!("{message} at {:.1}", cx.secs_since_start()));
        });
    });
    cx.say(format!(
        "every channel closed; messages per producer: {received:?}"
    ));
    Ok(())
}
