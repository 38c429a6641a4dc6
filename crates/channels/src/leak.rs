//! Goroutine leaks: which one Rust heals by itself, and which one it shares with Go (section 5.10).
//!
//! Go's classic leak is a goroutine blocked forever on a send that nobody will receive: a
//! function takes the first of several answers from an unbuffered channel and returns, and the
//! slower goroutines wait on their sends for the rest of the program. In Rust that leak heals:
//! returning drops the `Receiver`, and a send with no receiver left fails at once, so the slower
//! threads wake up and end. What Rust shares with Go is the mirror image: a thread waiting to
//! *receive* on a channel that stays open because some `Sender` is kept alive and never used.

use chanlab_common::Cx;
use crossbeam_channel::bounded;
use std::thread::{self, JoinHandle};
use std::time::Duration;

// ANCHOR: first_answer
/// Asks one thread per delay for an answer and returns the first to come, plus the threads'
/// handles; each thread yields whether its answer was taken.
///
/// The channel is unbuffered, as in Go's leaky version, yet nothing leaks: when this function
/// returns it drops the `Receiver`, and every later `send` fails instead of blocking forever.
pub fn first_answer(
    cx: &Cx,
    delays: &[Duration],
) -> std::io::Result<(Option<usize>, Vec<JoinHandle<bool>>)> {
    let (tx, rx) = bounded::<usize>(0); // Go: make(chan int)
    let mut replicas = Vec::new();
    for (id, &delay) in delays.iter().enumerate() {
        let (tx, cx) = (tx.clone(), cx.clone());
        let replica = thread::Builder::new()
            .name(format!("replica {id}"))
            .spawn(move || {
                cx.sleep(delay);
                let taken = tx.send(id).is_ok(); // Err once the receiver is gone
                cx.say(if taken {
                    "answered"
                } else {
                    "nobody listening: done"
                });
                taken
            })?;
        replicas.push(replica);
    }
    Ok((rx.recv().ok(), replicas))
} // `rx` dropped here: the slower replicas' sends fail and they end
// ANCHOR_END: first_answer

/// The first answer wins and the losers end by themselves; then a worker that really leaks,
/// because a forgotten `Sender` keeps its channel open, until the `Sender` is dropped.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let delays = [1, 2, 3].map(|tenths| Duration::from_millis(100 * tenths));
    let (first, replicas) = first_answer(cx, &delays)?;
    cx.say(format!("main: first answer from replica {first:?}"));
    let taken: Vec<bool> = replicas
        .into_iter()
        .map(|r| r.join().expect("a replica panicked"))
        .collect();
    cx.say(format!(
        "main: joined all {} replicas (answer taken: {taken:?}): nothing leaked",
        taken.len()
    ));

    // ANCHOR: forgotten_sender
    let (jobs_tx, jobs) = bounded::<u32>(8);
    let worker = thread::Builder::new().name("worker".into()).spawn({
        let cx = cx.clone();
        move || {
            for job in &jobs {
                cx.say(format!("did job {job}")); // Go: for job := range jobs
            }
            cx.say("jobs closed: ending");
        }
    })?;
    let kept_for_later = jobs_tx.clone(); // a Sender parked "just in case": jobs stays open
    for job in 1..=3 {
        jobs_tx.send(job)?;
    }
    drop(jobs_tx); // looks like close(jobs), but a clone is still alive
    cx.sleep(Duration::from_secs(1));
    // ANCHOR_END: forgotten_sender
    cx.say(format!(
        "main: {} after the last job, worker finished = {}: leaked, blocked in recv",
        cx.secs(Duration::from_secs(1)),
        worker.is_finished()
    ));
    // ANCHOR: fix
    drop(kept_for_later); // the last Sender: now the channel is closed
    worker
        .join()
        .expect("the worker ends once the channel closes");
    // ANCHOR_END: fix
    cx.say("main: dropped the forgotten Sender, and the worker ended");
    Ok(())
}
