//! Writes, for each lab that has a model, the student's file (or the solution, with the
//! `solutions` feature) with loom's `sync` in place of std's, into `OUT_DIR/<lab>.rs`, for the
//! model tests to include. Only `std::sync` changes: the threads of a model are loom's, spawned by
//! the test, and the lab's own sleeps stay real sleeps.

use std::path::Path;

fn main() {
    let dir = if std::env::var_os("CARGO_FEATURE_SOLUTIONS").is_some() {
        "solutions"
    } else {
        "exercises"
    };
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    // A lab has a model when `tests/` has a file of its name.
    println!("cargo::rerun-if-changed=tests");
    let models = std::fs::read_dir("tests").expect("the models' tests");
    for model in models.flatten() {
        let name = model.file_name().to_string_lossy().into_owned();
        let Some(lab) = name.strip_suffix(".rs") else {
            continue;
        };
        let source = format!("../{dir}/{lab}.rs");
        println!("cargo::rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source).unwrap_or_default();
        // `include!` takes items only: no inner attributes or inner doc comments.
        let items: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//!") && !l.trim_start().starts_with("#!["))
            .map(|l| format!("{}\n", l.replace("std::sync::", "loom::sync::")))
            .collect();
        std::fs::write(Path::new(&out).join(format!("{lab}.rs")), items)
            .expect("write into OUT_DIR");
    }
}
