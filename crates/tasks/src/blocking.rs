//! The pitfall: a blocking call inside a task stalls every task on its worker thread, because a
//! task gives its thread back only at an `.await`. `spawn_blocking` moves the call to a thread of
//! its own (section 5.10). Run it with `--timeline` to see the heartbeat stop, then carry on.

#[cfg(feature = "lesson")]
use chanlab_common::Cx;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep};
use tokio_util::sync::CancellationToken;

// ANCHOR: heartbeat
/// Runs `work` as a task beside a heartbeat task that beats every `beat` (calling `on_beat`), and
/// returns what `work` returned and the longest gap between two beats: about `beat` while the
/// runtime is free, and as long as the longest stall when something holds the heartbeat's thread.
///
/// ```
/// use chanlab_tasks::blocking::heartbeat_gap;
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let beat = Duration::from_millis(5);
/// let blocked = async { std::thread::sleep(Duration::from_millis(100)) };
/// let (_, gap) = heartbeat_gap(beat, || {}, blocked).await;
/// // one thread, held for 100 ms: no beat meanwhile
/// assert!(gap >= Duration::from_millis(90));
/// # }
/// ```
///
/// # Panics
///
/// Outside a tokio runtime, or if `work` panics.
pub async fn heartbeat_gap<F>(
    beat: Duration,
    mut on_beat: impl FnMut() + Send + 'static,
    work: F,
) -> (F::Output, Duration)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let beats = Arc::new(Mutex::new(Vec::new()));
    let stop = CancellationToken::new();
    let heart = tokio::spawn({
        let (beats, stop) = (beats.clone(), stop.clone());
        async move {
            let mut ticks = interval(beat);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
            while stop.run_until_cancelled(ticks.tick()).await.is_some() {
                beats.lock().unwrap().push(Instant::now());
                on_beat();
            }
        }
    });
    sleep(beat * 3).await; // a few beats before the work starts
    let out = tokio::spawn(work).await.expect("the work panicked");
    sleep(beat * 3).await; // and a few after it ends
    stop.cancel();
    heart.await.expect("the heartbeat panicked");
    let beats = beats.lock().unwrap();
    let gap = beats.windows(2).map(|w| w[1] - w[0]).max();
    (out, gap.unwrap_or_default())
}
// ANCHOR_END: heartbeat

#[cfg(feature = "lesson")]
fn say_beat(cx: &Cx) -> impl FnMut() + Send + 'static {
    let cx = cx.clone();
    move || cx.say("heartbeat")
}

#[cfg(feature = "lesson")]
/// A runtime with one thread for tasks (the caller's) and a pool named `blocking` for
/// `spawn_blocking`: the smallest setting in which a blocking call shows.
fn one_thread() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .thread_name("blocking")
        .build()
}

#[cfg(feature = "lesson")]
/// A heartbeat every 0.1 s, then a 0.6 s blocking call in a task beside it: no beat for 0.6 s.
/// Then the same call through `spawn_blocking`: the heartbeat carries on.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let beat = cx.scaled(Duration::from_millis(100));
    let call = cx.scaled(Duration::from_millis(600));
    let runtime = one_thread()?;

    // ANCHOR: blocked
    let blocked = {
        let cx = cx.clone();
        async move {
            cx.say("blocking call in a task: start");
            std::thread::sleep(call); // holds the runtime's only thread
            cx.say("blocking call in a task: end");
        }
    };
    // ANCHOR_END: blocked
    let ((), gap) = runtime.block_on(heartbeat_gap(beat, say_beat(cx), blocked));
    let blocked_gap = cx.secs_taken(gap);
    cx.say(format!(
        "longest gap between heartbeats: {blocked_gap:.2}, the whole call"
    ));

    // ANCHOR: fixed
    let offloaded = {
        let cx = cx.clone();
        async move {
            let cx = cx.clone();
            tokio::task::spawn_blocking(move || {
                cx.say("blocking call on the blocking pool: start");
                std::thread::sleep(call); // holds a pool thread, not a worker
                cx.say("blocking call on the blocking pool: end");
            })
            .await
        }
    };
    // ANCHOR_END: fixed
    let (joined, gap) = runtime.block_on(heartbeat_gap(beat, say_beat(cx), offloaded));
    joined?;
    let fixed_gap = cx.secs_taken(gap);
    cx.say(format!(
        "longest gap between heartbeats: {fixed_gap:.2}, about one beat"
    ));
    cx.say(format!(
        "the blocking call stalled its neighbours {:.1}× longer in the task than off it",
        blocked_gap.real().as_secs_f64() / fixed_gap.real().as_secs_f64().max(1e-9)
    ));
    Ok(())
}
