//! The offline demo: a chanlab server started in this process, whose `/sleep` pages take known
//! times, so the lesson runs with no network.

use chanlab_common::Cx;
use std::time::Duration;

/// How long each demo page takes, in milliseconds at pace 1.
pub const DELAYS_MS: [u64; 5] = [1500, 500, 1000, 250, 2000];

/// A running demo server and the URLs to fetch from it. Dropping it stops the server.
pub struct Demo {
    server: chanlab_server::Running,
    delays: Vec<u64>,
}

impl Demo {
    /// Starts the server on an ephemeral loopback port; page delays follow the step's pace.
    pub fn start(cx: &Cx) -> anyhow::Result<Demo> {
        let server = chanlab_server::Server::bind("127.0.0.1:0")?.spawn()?;
        let delays = DELAYS_MS
            .iter()
            .map(|&ms| cx.scaled(Duration::from_millis(ms)).as_millis() as u64)
            .collect();
        Ok(Demo { server, delays })
    }

    /// The demo URLs, slowest last but one.
    pub fn urls(&self) -> Vec<String> {
        let addr = self.server.addr();
        self.delays
            .iter()
            .map(|ms| format!("http://{addr}/sleep?ms={ms}"))
            .collect()
    }

    /// What `elapsed` means next to the pages' own delays, in the lesson's time.
    pub fn compare(&self, cx: &Cx, elapsed: Duration) -> String {
        let slowest = *DELAYS_MS.iter().max().expect("demo delays") as f64 / 1000.0;
        let sum = DELAYS_MS.iter().sum::<u64>() as f64 / 1000.0;
        let took = cx.unscaled(elapsed).as_secs_f64();
        format!(
            "in lesson time {took:.2}s, where the slowest page takes {slowest:.2}s and all {} together {sum:.2}s",
            DELAYS_MS.len()
        )
    }
}
