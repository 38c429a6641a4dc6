//! Deadlocks: threads waiting for each other forever, found with a timeout (section 5.10).
//!
//! Go's runtime notices when *every* goroutine is blocked and stops the program with "all
//! goroutines are asleep - deadlock!"; a deadlock among some goroutines while others run goes
//! unnoticed. Rust has no such check at all: a deadlocked thread just waits. The step puts a
//! deadline on every wait (`send_timeout`, `recv_timeout`), so the deadlock shows up as a timeout
//! instead of a hang. Tests do the same with `chanlab_common::testing::within`.

use chanlab_common::Cx;
use crossbeam_channel::{SendTimeoutError, bounded};
use std::thread;
use std::time::Duration;

/// How long every wait in the step lasts before it calls the wait a deadlock.
pub const PATIENCE: Duration = Duration::from_secs(1);

/// A send to itself on an unbuffered channel, then two threads each waiting for the other,
/// then the same two threads with the cycle broken.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let patience = cx.scaled(PATIENCE);

    // ANCHOR: alone
    let (tx, rx) = bounded::<i32>(0);
    // The only receiver is this thread, which is busy sending: `tx.send(1)` would wait forever.
    match tx.send_timeout(1, patience) {
        Err(SendTimeoutError::Timeout(_)) => cx.say(format!(
            "main: a send nobody can receive timed out after {}; Go: fatal error",
            cx.secs(PATIENCE)
        )),
        other => cx.say(format!("main: unexpected {other:?}")),
    }
    // ANCHOR_END: alone
    drop(rx);

    // ANCHOR: circular
    let (to_a, a_inbox) = bounded::<&str>(0);
    let (to_b, b_inbox) = bounded::<&str>(0);
    thread::scope(|s| -> std::io::Result<()> {
        thread::Builder::new()
            .name("A".into())
            .spawn_scoped(s, || {
                cx.say("waiting for B to speak first");
                match a_inbox.recv_timeout(patience) {
                    Ok(msg) => {
                        cx.say(format!("heard {msg:?}"));
                        let _ = to_b.send_timeout("hello, B", patience);
                    }
                    Err(_) => cx.say(format!("waited {} for B: deadlock", cx.secs(PATIENCE))),
                }
            })?;
        thread::Builder::new()
            .name("B".into())
            .spawn_scoped(s, || {
                cx.say("waiting for A to speak first"); // and neither ever will
                match b_inbox.recv_timeout(patience) {
                    Ok(msg) => {
                        cx.say(format!("heard {msg:?}"));
                        let _ = to_a.send_timeout("hello, A", patience);
                    }
                    Err(_) => cx.say(format!("waited {} for A: deadlock", cx.secs(PATIENCE))),
                }
            })?;
        Ok(())
    })?;
    // ANCHOR_END: circular

    // ANCHOR: broken_cycle
    let (to_a, a_inbox) = bounded::<&str>(0);
    let (to_b, b_inbox) = bounded::<&str>(0);
    thread::scope(|s| -> std::io::Result<()> {
        thread::Builder::new()
            .name("A".into())
            .spawn_scoped(s, || {
                if let Ok(msg) = a_inbox.recv_timeout(patience) {
                    cx.say(format!("heard {msg:?}"));
                    let _ = to_b.send_timeout("hello, B", patience);
                }
            })?;
        thread::Builder::new()
            .name("B".into())
            .spawn_scoped(s, || {
                // B speaks first: the cycle of waits is broken.
                let _ = to_a.send_timeout("hello, A", patience);
                if let Ok(msg) = b_inbox.recv_timeout(patience) {
                    cx.say(format!("heard {msg:?}"));
                }
            })?;
        Ok(())
    })?;
    // ANCHOR_END: broken_cycle
    cx.say(format!(
        "main: with B speaking first both heard each other by {:.1}",
        cx.secs_since_start()
    ));
    Ok(())
}
