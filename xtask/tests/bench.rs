//! Tests of `cargo xtask bench` run as a user would, on one tiny case: the table's shape, the
//! JSON's shape, and the error for an unknown case. No timing is asserted, so the Rust side is
//! built with `--debug`, which the test build has already compiled: a release build from cold
//! would take minutes.
mod support;
use support::{text, xtask};

use std::process::Command;

fn go_installed() -> bool {
    Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn one_tiny_case_prints_a_table_and_writes_its_json() {
    let json_file = std::env::temp_dir().join(format!("chanlab-bench-{}.json", std::process::id()));
    let json_arg = format!("--json={}", json_file.display());
    let out = xtask(&[
        "bench",
        "spsc-cap100",
        "--ops",
        "300",
        "--runs",
        "2",
        "--no-go",
        "--debug",
        &json_arg,
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", text(&out.stderr));
    assert!(
        stdout.contains("every round of 2 runs per language"),
        "{stdout}"
    );
    assert!(stdout.contains("DEBUG BUILD"), "{stdout}");
    let header = stdout
        .lines()
        .find(|l| l.starts_with("case"))
        .unwrap_or_else(|| panic!("no header in:\n{stdout}"));
    assert_eq!(
        header
            .split("  ")
            .filter(|c| !c.is_empty())
            .map(str::trim)
            .collect::<Vec<_>>(),
        [
            "case",
            "rust implementation",
            "rust ns/op",
            "±",
            "go ns/op",
            "±",
            "rust/go"
        ]
    );
    let row = |start: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no {start} row in:\n{stdout}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    let ours = row("spsc-cap100");
    assert_eq!(&ours[..2], ["spsc-cap100", "crossbeam"]);
    assert!(
        ours[2].replace(',', "").parse::<f64>().unwrap() > 0.0,
        "{ours:?}"
    );
    assert!(
        ours[3].starts_with('±'),
        "a spread of 2 runs × 3 rounds: {ours:?}"
    );
    assert_eq!(&ours[4..], ["-", "-", "-"], "no Go figures with --no-go");
    assert_eq!(&row("std mpsc")[..2], ["std", "mpsc"]);
    assert!(stdout.contains("no Go column: --no-go"), "{stdout}");
    assert!(stdout.contains("one value sent and received"), "{stdout}");

    let json = std::fs::read_to_string(&json_file).expect("the JSON file was written");
    std::fs::remove_file(&json_file).unwrap();
    assert!(
        json.starts_with('{') && json.trim_end().ends_with('}'),
        "{json}"
    );
    assert_eq!(
        json.matches("\"case\": \"spsc-cap100\"").count(),
        2,
        "{json}"
    );
    assert!(json.contains("\"implementation\": \"std mpsc\""), "{json}");
    assert!(json.contains("\"ops\": 300"), "{json}");
    assert!(json.contains("\"go\": null"), "{json}");
    assert!(json.contains("\"rounds\": 3"), "{json}");
    assert!(json.contains("\"go_rounds\": []"), "{json}");
}

#[test]
fn json_on_stdout_has_every_run_and_go_when_installed() {
    let out = xtask(&[
        "bench", "mutex", "--ops", "400", "--runs", "2", "--rounds", "2", "--json", "--debug",
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", text(&out.stderr));
    assert!(
        stdout.starts_with("{\n  \"command\": \"cargo xtask bench mutex"),
        "{stdout}"
    );
    assert!(stdout.contains("\"debug\": true"), "{stdout}");
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("\"case\": \"mutex\""))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    // 2 runs of 2 rounds: 4 figures per language.
    let figures = |row: &str, field: &str| {
        let list = row
            .split(&format!("\"{field}\": ["))
            .nth(1)
            .unwrap_or_else(|| panic!("no {field} in {row}"));
        let list = list.split(']').next().unwrap();
        list.split(',').filter(|f| !f.trim().is_empty()).count()
    };
    for row in rows {
        assert_eq!(figures(row, "rust_rounds"), 4, "{row}");
        if go_installed() {
            assert_eq!(figures(row, "go_rounds"), 4, "{row}");
            assert!(!row.contains("\"go_ns_per_op\": null"), "{row}");
            assert!(!row.contains("\"rust_over_go\": null"), "{row}");
        } else {
            assert_eq!(figures(row, "go_rounds"), 0, "{row}");
            assert!(row.contains("\"go_ns_per_op\": null"), "{row}");
        }
    }
    assert!(stdout.contains("\"skipped\": []"), "{stdout}");
}

#[test]
fn an_unknown_case_exits_2_naming_the_cases() {
    let out = xtask(&["bench", "spsc-cap100", "mutx"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no case \"mutx\" in cargo xtask bench"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean \"mutex\"?"), "{stderr}");
    assert!(
        stderr.contains("cases: spsc-unbuffered, spsc-cap1, spsc-cap100"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing is measured");
}
