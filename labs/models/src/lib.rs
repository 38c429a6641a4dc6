//! Loom models of the labs whose state fits them: see `tests/` and `build.rs`.
