//! The `server` binary: `serve` is the default step, `--addr` picks the address, and Ctrl-C
//! (SIGINT) stops it cleanly.

use crate::support::{DEADLINE, agent, get};
use chanlab_common::testing::within;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn the_binary_serves_until_ctrl_c_then_exits_cleanly() {
    within(DEADLINE, || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["--addr", "127.0.0.1:0"]) // as written: `server --addr HOST:PORT`
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server binary");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .trim_end_matches('/')
            .to_owned();
        let agent = agent();
        assert_eq!(get(&agent, &format!("{url}/hi")).1, "URL.Path = \"/hi\"\n");
        assert_eq!(get(&agent, &format!("{url}/count")).1, "Count 1\n");
        let interrupted = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(interrupted.success());
        let status = child.wait().unwrap();
        let rest: Vec<String> = lines.map(Result::unwrap).collect();
        assert!(status.success(), "{status}: {rest:?}");
        assert!(rest.iter().any(|l| l.contains("interrupted")), "{rest:?}");
        assert!(rest.last().unwrap().starts_with("stopped"), "{rest:?}");
    });
}

#[test]
fn a_bad_address_is_a_clear_error() {
    within(DEADLINE, || {
        let run = |args: &[&str]| {
            let out = Command::new(env!("CARGO_BIN_EXE_server"))
                .args(args)
                .output()
                .unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (code, err) = run(&["--port", "80"]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("serve takes --addr HOST:PORT"), "{err}");
        let (code, err) = run(&["serve", "--", "--addr=nowhere"]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains("starting the server on nowhere"), "{err}");
    });
}
