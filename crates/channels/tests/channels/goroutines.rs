//! Tests of the `goroutines` step and its reusable code.
use chanlab_channels::goroutines::{self, SMALL_STACK, spawn_many};
use chanlab_channels::limits::{Cause, SpawnError};
use chanlab_common::testing::{
    STEP_DEADLINE, limit_threads, no_threads_left, output_within, run_step, run_step_with_args,
};
use chanlab_common::{Cx, Exit};
use std::process::Command;

#[test]
fn ten_thousand_threads_run_at_once_and_all_are_joined() {
    let t = run_step(goroutines::run, 1.0);
    assert!(t.contains("10! = 3628800"), "{t}");
    assert!(t.contains("[10, 3, 7, 4]"), "{t}");
    assert!(
        t.contains("spawned 10000 threads with 64 KiB stacks"),
        "{t}"
    );
    assert!(t.contains("peak threads alive at once: 10000"), "{t}");
}

#[test]
fn the_count_is_an_argument() {
    let t = run_step_with_args(goroutines::run, 1.0, &["250"]);
    assert!(t.contains("peak threads alive at once: 250"), "{t}");
}

#[test]
fn a_bad_count_is_a_usage_error() {
    for bad in [&["0"][..], &["100001"], &["many"], &["1", "2"]] {
        let cx = Cx::capture(1.0).with_args(bad.iter().copied());
        let error = goroutines::run(&cx).expect_err("bad count accepted");
        let exit = error.downcast_ref::<Exit>().expect("an Exit");
        assert_eq!(exit.code, 2, "{bad:?}: {}", exit.message);
    }
}

#[test]
fn spawn_many_reports_every_thread() {
    let report = no_threads_left(STEP_DEADLINE, || spawn_many(500, SMALL_STACK).unwrap());
    assert_eq!((report.threads, report.peak), (500, 500));
    assert!(report.per_spawn() > std::time::Duration::ZERO);
}

/// Set in a child process of this test binary: fill the memory maps to within this many of the
/// limit, then run the step.
const LEAVE_MAPS: &str = "CHANLAB_TEST_LEAVE_MAPS";

/// Once a process's memory maps run out, the next thread cannot make its signal stack and Rust
/// aborts the process. The step must stop short of that with an error instead. Each child fills
/// its own maps, so only the child meets the limit; the four remainders modulo the 4 maps a
/// thread takes cover each point at which the last map can run out.
#[test]
fn running_out_of_memory_maps_is_an_error_not_an_abort() {
    const NAME: &str = "running_out_of_memory_maps_is_an_error_not_an_abort";
    if let Ok(leave) = std::env::var(LEAVE_MAPS) {
        return fill_maps_then_ask_for_5000_threads(leave.parse().unwrap());
    }
    if std::fs::metadata("/proc/sys/vm/max_map_count").is_err() {
        return; // no such limit on this system
    }
    // libtest names a test by its path below the test crate: `goroutines::<fn>`.
    let name = format!("{}::{NAME}", module_path!().split_once("::").unwrap().1);
    for leave in [1000, 1001, 1002, 1003] {
        let output = output_within(
            STEP_DEADLINE,
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", &name, "--nocapture", "--test-threads=1"])
                .env(LEAVE_MAPS, leave.to_string()),
        );
        let (stdout, stderr) = (
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        assert!(
            output.status.success(),
            "{leave} maps left: {}\n{stdout}\n{stderr}",
            output.status
        );
        assert!(
            stdout.contains("of 5000 threads, then stopped short of a limit: vm.max_map_count"),
            "{leave} maps left:\n{stdout}\n{stderr}"
        );
    }
}

/// The child's part: maps of one page each, read-only and inaccessible in turn so that no two
/// merge, until `leave` are left; then the step, which must fail with a `SpawnError`.
fn fill_maps_then_ask_for_5000_threads(leave: usize) {
    let max: usize = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let maps = || {
        std::fs::read_to_string("/proc/self/maps")
            .unwrap()
            .lines()
            .count()
    };
    let mut protection = libc::PROT_READ;
    let mut used = maps();
    while used + leave < max {
        for _ in 0..(max - leave - used).min(4096) {
            // SAFETY: a fresh anonymous mapping that nothing reads or frees; it lives as long as
            // this child process, which is the point.
            #[allow(unsafe_code)]
            let page = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    protection,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            assert_ne!(page, libc::MAP_FAILED, "mmap failed with {used} maps");
            protection ^= libc::PROT_READ;
        }
        used = maps();
    }
    let cx = Cx::capture(1.0).with_args(["5000"]);
    let error = goroutines::run(&cx).expect_err("5000 threads fit in a full map table");
    let error = error
        .downcast_ref::<std::io::Error>()
        .and_then(|e| e.get_ref()?.downcast_ref::<SpawnError>())
        .expect("a SpawnError");
    assert!(error.started > 0 && error.started < 5000, "{error}");
    assert!(matches!(error.cause, Cause::NoRoom(_)), "{error}");
    println!("{error}");
}

/// A thread the system refuses ends the step with one line: how many started, the error and the
/// likely limit; the threads already started are joined and the process exits with status 1.
#[cfg(target_os = "linux")]
#[test]
fn a_refused_thread_ends_the_step_with_one_line_naming_the_limit() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chanlab-channels"));
    command.args(["goroutines", "--", "5000"]);
    limit_threads(&mut command, 60);
    let output = output_within(STEP_DEADLINE, &mut command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("error in step goroutines: started "),
        "{stderr}"
    );
    assert!(lines[0].contains(" of 5000 threads, then "), "{stderr}");
    assert!(lines[0].contains("ulimit -u = "), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("10! = 3628800"), "{stdout}");
}
