//! The patterns lesson: `cargo xtask run patterns [step]`.

fn main() -> std::process::ExitCode {
    chanlab_common::runner::main(&chanlab_patterns::LESSON)
}
