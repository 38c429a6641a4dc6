//! Which primitives `cargo xtask loom` model-checks: each primitive's source must hold loom
//! models (`loom::model` under `#[cfg(chanlab_loom)]`), in a crate the command builds with
//! `--cfg chanlab_loom`.
//! The models themselves run in `cargo xtask loom` (and, with a smaller bound, in
//! `cargo xtask test`); this checks that none has gone missing, and prints the count.

use chanlab_hardening::Figures;
use std::path::Path;

/// The primitives written here and their source: each must have models.
const PRIMITIVES: &[(&str, &str)] = &[
    ("WaitGroup", "crates/sync/src/waitgroup.rs"),
    ("Semaphore", "crates/sync/src/semaphore.rs"),
    ("Context", "crates/patterns/src/context.rs"),
    ("RateLimiter", "crates/patterns/src/rate_limit.rs"),
    ("Memo", "crates/patterns/src/memo.rs"),
    ("ErrGroup", "crates/patterns/src/errgroup.rs"),
];

#[test]
fn every_primitive_has_loom_models_that_cargo_xtask_loom_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let runner = std::fs::read_to_string(root.join("xtask/src/loom.rs")).unwrap();
    let mut figures = Figures::new("loom models per primitive (run by cargo xtask loom)");
    let mut missing = Vec::new();
    for (name, file) in PRIMITIVES {
        let source = std::fs::read_to_string(root.join(file)).unwrap();
        // The models are the tests of a `models` module compiled only under `--cfg chanlab_loom`.
        let module = source
            .split_once("mod models {")
            .filter(|(before, _)| {
                before
                    .lines()
                    .last()
                    .is_some_and(|l| l.contains("chanlab_loom"))
            })
            .map(|(_, module)| module);
        let models = module.map_or(0, |m| {
            if m.contains("loom::model(") {
                m.matches("#[test]").count()
            } else {
                0
            }
        });
        let krate = format!("\"chanlab-{}\"", file.split('/').nth(1).unwrap());
        let run = runner.contains(&krate);
        let verdict = match (models, run) {
            (0, _) => "none".to_owned(),
            (n, true) => format!("{n} model(s)"),
            (n, false) => format!("{n} model(s), but cargo xtask loom does not run them"),
        };
        figures.add(*name, format!("{verdict} in {file}"));
        if !(models > 0 && run) {
            missing.push(*name);
        }
    }
    figures.print();
    assert!(
        missing.is_empty(),
        "no loom models for {missing:?}:\n{figures}"
    );
}
