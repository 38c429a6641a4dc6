//! The channels lesson: `cargo xtask run channels [step]`.

fn main() -> std::process::ExitCode {
    chanlab_common::runner::main(&chanlab_channels::LESSON)
}
