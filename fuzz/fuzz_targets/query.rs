//! Fuzzes query decoding: the Lissajous parameters a query sets are either refused with a
//! reason or all within their bounds, and `form_urlencoded` decodes any bytes.
//!
//! Run: `cargo +nightly fuzz run query fuzz/corpus/query fuzz/seeds/query` from the workspace
//! root (or `cargo xtask soak`).
#![no_main]

use chanlab_server::lissajous::{CYCLES, DELAY, NFRAMES, Params, RES, SIZE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    form_urlencoded::parse(data).for_each(drop);
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    match Params::from_query(query) {
        Ok(p) => assert!(
            CYCLES.contains(&p.cycles)
                && RES.contains(&p.res)
                && SIZE.contains(&p.size)
                && NFRAMES.contains(&p.nframes)
                && DELAY.contains(&p.delay),
            "{p:?} from {query:?}"
        ),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
