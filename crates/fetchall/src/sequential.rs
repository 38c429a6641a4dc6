//! The same fetches one after another, for contrast: the total is the sum (seed 5.2).

use crate::concurrent::parse_args;
use crate::demo::Demo;
use crate::fetch::fetch;
use chanlab_common::{Cx, Exit};
use std::time::Instant;

/// Fetches each URL in turn on this thread, printing lines in the same format as `concurrent`.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let (options, urls) = parse_args(cx.args())?;
    let demo = if urls.is_empty() {
        Some(Demo::start(cx)?)
    } else {
        None
    };
    let urls = demo.as_ref().map_or(urls, Demo::urls);
    let agent = options.agent();
    let start = Instant::now();
    let mut failed = 0;
    // ANCHOR: sequential
    for url in &urls {
        match fetch(&agent, url) {
            Ok(fetched) => cx.say(fetched),
            Err(error) => {
                failed += 1;
                cx.say(format!("{url}: {error}"));
            }
        }
    }
    // ANCHOR_END: sequential
    let elapsed = start.elapsed();
    cx.say(format!("{:.2}s elapsed", elapsed.as_secs_f64()));
    if let Some(demo) = demo {
        cx.say(demo.compare(cx, elapsed));
    }
    if failed > 0 {
        Err(Exit::failed().into())
    } else {
        Ok(())
    }
}
