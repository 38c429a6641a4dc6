//! The course's fetchall: `fetchall [--timeout 10s] [--concurrency 32] URL...`, or through the
//! runner, `cargo xtask run fetchall URL...`; with no URLs it fetches from a server it starts
//! itself.

fn main() -> std::process::ExitCode {
    chanlab_common::runner::main(&chanlab_fetchall::LESSON)
}
