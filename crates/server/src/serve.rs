//! Step `serve`: the course's `main`: serve every route until Ctrl-C, then stop gracefully (section 5.9).

use crate::{DEFAULT_ADDR, Server};
use anyhow::Context;
use chanlab_common::{Cx, Exit};

/// Serves on `--addr` (default [`DEFAULT_ADDR`]) until interrupted; a second Ctrl-C quits at once.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let addr = addr(cx.args())?;
    let server =
        Server::bind(addr.as_str()).with_context(|| format!("starting the server on {addr}"))?;
    // ANCHOR: ctrlc
    let stop = server.shutdown_handle();
    let said = cx.clone();
    ctrlc::set_handler(move || {
        if stop.is_shutting_down() {
            std::process::exit(130);
        }
        said.say("interrupted: finishing the requests in progress (Ctrl-C again to quit now)");
        stop.shutdown();
    })
    .context("installing the Ctrl-C handler")?;
    let url = format!("http://{}", server.local_addr());
    cx.say(format!(
        "serving {url}/  (try {url}/count, {url}/lissajous?cycles=7, {url}/debug)"
    ));
    cx.say(format!(
        "Ctrl-C stops; up to {} connections at once, more are answered 503",
        server.config().max_connections
    ));
    server.serve()?;
    // ANCHOR_END: ctrlc
    cx.say("stopped: every request answered, every connection thread joined");
    Ok(())
}

/// The address from `--addr ADDR` or `--addr=ADDR`.
fn addr(args: &[String]) -> Result<String, Exit> {
    let usage = || {
        Exit::usage(format!(
            "serve takes --addr HOST:PORT (default {DEFAULT_ADDR})"
        ))
    };
    match args {
        [] => Ok(DEFAULT_ADDR.to_owned()),
        [flag, value] if flag == "--addr" => Ok(value.clone()),
        [flag] => flag
            .strip_prefix("--addr=")
            .map(str::to_owned)
            .ok_or_else(usage),
        _ => Err(usage()),
    }
}
