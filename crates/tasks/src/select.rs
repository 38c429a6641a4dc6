//! `tokio::select!`: the first ready branch wins and the others are dropped; `biased;` for a
//! fixed order, `timeout` for a deadline, and a precondition that switches a branch off as Go's
//! nil channel does (section 5.5).

#[cfg(feature = "lesson")]
use chanlab_common::Cx;
use tokio::sync::mpsc;

#[cfg(feature = "lesson")]
/// A task that sends `message` on a new channel after `delay`, then closes it.
fn after(delay: std::time::Duration, message: &'static str) -> mpsc::Receiver<&'static str> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let _ = tx.send(message).await;
    });
    rx
}

// ANCHOR: merge
/// Takes from `a` and `b` until both are closed. A closed branch is switched off by its
/// precondition, as a Go loop sets a closed channel's variable to `nil`: without that, a closed
/// `recv()` is ready at once with `None`, every time.
///
/// ```
/// use chanlab_tasks::select::merge_two;
/// use tokio::sync::mpsc;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx_a, a) = mpsc::channel(4);
/// let (tx_b, b) = mpsc::channel(4);
/// tx_a.send(1).await.unwrap();
/// tx_b.send(2).await.unwrap();
/// drop((tx_a, tx_b));
/// let mut both = merge_two(a, b).await;
/// both.sort();
/// assert_eq!(both, [1, 2]);
/// # }
/// ```
pub async fn merge_two<T>(mut a: mpsc::Receiver<T>, mut b: mpsc::Receiver<T>) -> Vec<T> {
    let (mut a_open, mut b_open) = (true, true);
    let mut out = Vec::new();
    loop {
        tokio::select! {
            got = a.recv(), if a_open => match got {
                Some(v) => out.push(v),
                None => a_open = false, // a = nil
            },
            got = b.recv(), if b_open => match got {
                Some(v) => out.push(v),
                None => b_open = false, // b = nil
            },
            else => return out, // every branch is switched off
        }
    }
}
// ANCHOR_END: merge

#[cfg(feature = "lesson")]
/// Two producers of 1 s and 2 s (done in 2 s, not 3), `biased;` checking a quit channel first,
/// a timeout, and a merge whose closed branches are switched off.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    use std::time::Duration;
    use tokio::time::timeout;
    crate::runtime(2)?.block_on(async {
        // ANCHOR: basic
        let mut one = after(cx.scaled(Duration::from_secs(1)), "one");
        let mut two = after(cx.scaled(Duration::from_secs(2)), "two");
        for _ in 0..2 {
            tokio::select! {
                Some(msg) = one.recv() => cx.say(format!("received {msg}")),
                Some(msg) = two.recv() => cx.say(format!("received {msg}")),
            }
        }
        // ANCHOR_END: basic
        cx.say(format!(
            "both in {:.1}: the waits overlapped",
            cx.secs_since_start()
        ));

        // ANCHOR: biased
        let (quit_tx, mut quit) = mpsc::channel::<()>(1);
        let (work_tx, mut work) = mpsc::channel::<u32>(8);
        for n in 1..=3 {
            work_tx.send(n).await?;
        }
        quit_tx.send(()).await?; // work is waiting too, but quit is checked first
        let mut done = 0;
        loop {
            tokio::select! {
                biased;
                _ = quit.recv() => break,
                Some(_) = work.recv() => done += 1,
            }
        }
        // ANCHOR_END: biased
        cx.say(format!(
            "biased: quit came first although 3 jobs were waiting; jobs done: {done}"
        ));

        // ANCHOR: timeout
        let mut slow = after(cx.scaled(Duration::from_secs(5)), "too late");
        let patience = cx.secs(Duration::from_millis(500));
        match timeout(patience.real(), slow.recv()).await {
            Ok(msg) => cx.say(format!("received {msg:?}")),
            Err(_) => cx.say(format!(
                "timeout: nothing within {patience}, the recv was dropped"
            )),
        }
        // ANCHOR_END: timeout

        let fast = after(cx.scaled(Duration::from_millis(100)), "fast");
        let slow = after(cx.scaled(Duration::from_millis(300)), "slow");
        let merged = merge_two(fast, slow).await;
        cx.say(format!(
            "merged until both closed: {merged:?}; the closed branch was switched off, not spun on"
        ));
        Ok(())
    })
}
