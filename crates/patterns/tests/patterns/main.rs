//! chanlab-patterns's tests, a module per concept, built as one test binary: every test binary
//! links the crate and all it depends on, which costs time and disk on a small machine.

mod bounded;
mod context;
mod errgroup;
mod error_channel;
mod fan_out_fan_in;
mod memo;
mod pipeline;
mod rate_limit;
mod worker_pool;
