//! The tasks lesson: `cargo xtask run tasks [step]`.

fn main() -> std::process::ExitCode {
    chanlab_common::runner::main(&chanlab_tasks::LESSON)
}
