//! The sync lesson: `cargo xtask run sync [step]`.

fn main() -> std::process::ExitCode {
    chanlab_common::runner::main(&chanlab_sync::LESSON)
}
