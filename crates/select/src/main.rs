//! The select lesson: `cargo xtask run select [step]`.

fn main() -> std::process::ExitCode {
    chanlab_common::runner::main(&chanlab_select::LESSON)
}
