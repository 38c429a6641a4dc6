//! A closed channel is always ready in a select; `never()` switches its arm off (section 5.5).
//!
//! Go blocks forever on a nil channel, and sets a closed channel's variable to nil to take it
//! out of a `select`. crossbeam's `never()` is that nil channel.

use chanlab_common::Cx;
use crossbeam_channel::{Receiver, bounded, never, select};
use std::thread;
use std::time::Duration;

/// Selects over `a`, which closes at once, and `b`, which delivers one value after `delay`;
/// returns how often the `a` arm fired before `b` delivered. With `disable_closed`, the closed
/// arm is replaced by `never()` the first time it fires.
pub fn spins_before_value(delay: Duration, disable_closed: bool) -> u64 {
    let (a_tx, a) = bounded::<i32>(0);
    let (b_tx, b) = bounded::<i32>(0);
    drop(a_tx);
    thread::scope(|s| {
        s.spawn(move || {
            thread::sleep(delay);
            let _ = b_tx.send(42);
        });
        // ANCHOR: nil
        let mut a: Receiver<i32> = a;
        let mut closed_arm = 0;
        loop {
            select! {
                recv(a) -> msg => {
                    assert!(msg.is_err(), "nobody sends on a");
                    closed_arm += 1; // a closed channel is ready every single time
                    if disable_closed {
                        a = never(); // Go: a = nil
                    }
                }
                recv(b) -> _ => break,
            }
        }
        // ANCHOR_END: nil
        closed_arm
    })
}

/// The closed arm spins; then the same loop with the arm switched off.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let delay = Duration::from_millis(100);
    let spins = spins_before_value(cx.scaled(delay), false);
    cx.say(format!(
        "the closed arm fired {spins} times in {}: a busy loop burning a core",
        cx.secs(delay)
    ));
    let spins = spins_before_value(cx.scaled(delay), true);
    cx.say(format!(
        "with never() in its place it fired {spins} time, then the select waited quietly"
    ));
    Ok(())
}
