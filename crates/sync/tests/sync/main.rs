//! chanlab-sync's tests, a module per concept, built as one test binary: every test binary
//! links the crate and all it depends on, which costs time and disk on a small machine.

mod atomic;
mod cond;
mod monitor;
mod mutex;
mod once;
mod rwlock;
mod semaphore;
mod waitgroup;
