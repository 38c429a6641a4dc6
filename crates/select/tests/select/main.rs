//! chanlab-select's tests, a module per concept, built as one test binary: every test binary
//! links the crate and all it depends on, which costs time and disk on a small machine.

mod basic;
mod dynamic;
mod nil;
mod non_blocking;
mod tickers;
mod timeout;
mod timers;
