//! The server lesson: `cargo xtask run server [step]`; alone, it serves http://127.0.0.1:8000/
//! until Ctrl-C (`cargo xtask run server --addr 127.0.0.1:9000`, or `server --addr 127.0.0.1:9000`, to choose
//! the address).

fn main() -> std::process::ExitCode {
    chanlab_common::runner::main(&chanlab_server::LESSON)
}
