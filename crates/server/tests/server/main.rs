//! chanlab-server's tests, a module per concept, built as one test binary: every test binary
//! links the crate and all it depends on, which costs time and disk on a small machine.

mod support;

mod counter;
mod echo;
mod limits;
mod lissajous;
mod protocol;
mod quote;
mod routes;
mod serve;
mod shutdown;
