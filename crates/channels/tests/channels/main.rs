//! chanlab-channels's tests, a module per concept, built as one test binary: every test binary
//! links the crate and all it depends on, which costs time and disk on a small machine.

mod buffered;
mod close;
mod deadlock;
mod directions;
mod done;
mod goroutines;
mod handoff;
mod leak;
mod race;
mod range;
mod unbuffered;
