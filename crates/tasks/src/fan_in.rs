//! Fan-in: several producers into one channel, as they come (section 5.7). Go's way, a task per
//! input forwarding into one channel, and tokio-stream's `StreamMap`, which polls every input
//! from one task.

use crate::unbuffered::{self, Receiver};
#[cfg(feature = "lesson")]
use chanlab_common::Cx;
#[cfg(feature = "lesson")]
use std::time::Duration;
#[cfg(feature = "lesson")]
use tokio::time::{Instant, interval_at};
#[cfg(feature = "lesson")]
use tokio_stream::StreamExt;
#[cfg(feature = "lesson")]
use tokio_stream::StreamMap;

// ANCHOR: merge
/// One channel carrying every item of `inputs` as it arrives; it closes once all of them have.
///
/// A forwarding task per input, as Go's fan-in starts a goroutine per channel: each holds a
/// clone of the output's `Sender`, so the output closes when the last one ends.
///
/// ```
/// use chanlab_tasks::fan_in::merge;
/// use chanlab_tasks::pipeline::generate;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut merged = merge(vec![generate(1..=3), generate(10..=12)]);
/// let mut sum = 0;
/// while let Some(n) = merged.recv().await {
///     sum += n;
/// }
/// assert_eq!(sum, 39);
/// # }
/// ```
///
/// # Panics
///
/// Outside a tokio runtime, as [`tokio::spawn`] does.
pub fn merge<T: Send + 'static>(inputs: Vec<Receiver<T>>) -> Receiver<T> {
    let (tx, rx) = unbuffered::channel();
    for mut input in inputs {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(item) = input.recv().await {
                if tx.send(item).await.is_err() {
                    return;
                }
            }
        });
    }
    rx
}
// ANCHOR_END: merge

#[cfg(feature = "lesson")]
/// A producer that sends `count` lines naming itself, one every `every`, then closes.
fn producer(name: &'static str, every: Duration, count: u32) -> Receiver<String> {
    let (tx, rx) = unbuffered::channel();
    tokio::spawn(async move {
        let mut ticks = interval_at(Instant::now() + every, every);
        for i in 1..=count {
            ticks.tick().await;
            if tx.send(format!("{name} {i}")).await.is_err() {
                return;
            }
        }
    });
    rx
}

#[cfg(feature = "lesson")]
/// Three producers at 0.3 s, 0.5 s and 0.7 s merged by forwarding tasks, then the same merged by
/// a `StreamMap` with no
/// extra task.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    crate::runtime(2)?.block_on(async {
        let ms = |n| cx.scaled(Duration::from_millis(n));
        let inputs = vec![
            producer("fast", ms(300), 3),
            producer("medium", ms(500), 2),
            producer("slow", ms(700), 2),
        ];
        let mut merged = merge(inputs);
        while let Some(line) = merged.recv().await {
            cx.say(format!("merged: {line}"));
        }
        cx.say(format!(
            "all three closed at {:.1}: the merged channel closed with them",
            cx.secs_since_start()
        ));

        // ANCHOR: stream_map
        let mut streams = StreamMap::new();
        streams.insert("fast", producer("fast", ms(200), 2)); // a Receiver is a Stream
        streams.insert("slow", producer("slow", ms(700), 2));
        let mut order = Vec::new();
        while let Some((key, _line)) = streams.next().await {
            order.push(key); // a closed stream leaves the map; `None` once all have
        }
        // ANCHOR_END: stream_map
        cx.say(format!("StreamMap, one task polling both: {order:?}"));
        Ok(())
    })
}
