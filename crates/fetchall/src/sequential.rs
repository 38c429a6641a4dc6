//! The same fetches one after another, for contrast: the total is the sum (section 5.2).

use crate::concurrent::{Failure, print_outcomes};
use crate::fetch::fetch;
use chanlab_common::Cx;

/// Fetches each URL in turn on this thread, printing lines in the same format as `concurrent`.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    print_outcomes(cx, |urls, options| {
        let agent = options.agent();
        // ANCHOR: sequential
        // No thread and no channel: each fetch ends before the next begins.
        urls.into_iter()
            .map(move |url| fetch(&agent, &url).map_err(|error| Failure { url, error }))
        // ANCHOR_END: sequential
    })
}
