//! chanlab-fetchall's tests, a module per concept, built as one test binary: every test binary
//! links the crate and all it depends on, which costs time and disk on a small machine.

mod support;

mod concurrent;
mod errors;
mod fetch_all;
mod large_body;
