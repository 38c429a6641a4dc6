//! Tests of `cargo xtask docs --check`: the book's includes resolve and every step has a page,
//! and a book that breaks either is refused with a message naming the problem.
use std::fs;
use std::path::{Path, PathBuf};
mod support;
use support::{text, xtask};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Copies `from` into `to`, leaving out captured output.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "generated" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replaces `from` with `to` in a file of the book, which must contain it.
fn edit(book: &Path, file: &str, from: &str, to: &str) {
    let path = book.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_book_checks_clean() {
    let out = xtask(&["docs", "--check"]);
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn a_broken_book_is_refused_with_every_problem_named() {
    // A copy of the book beside links to the real crates and benchmarks, so its includes resolve
    // as they do in the workspace; then break it in five ways.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("broken-book");
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&workspace().join("docs"), &dir.join("docs"));
    for linked in ["crates", "bench"] {
        std::os::unix::fs::symlink(workspace().join(linked), dir.join(linked)).unwrap();
    }
    let book = dir.join("docs");
    edit(
        &book,
        "src/SUMMARY.md",
        "  - [nil: switching an arm off](select/nil.md)\n",
        "",
    );
    edit(
        &book,
        "src/select/basic.md",
        "basic.rs:basic}}",
        "basic.rs:basics}}",
    );
    edit(
        &book,
        "src/select/basic.md",
        "basic.timeline.txt}}",
        "nope.timeline.txt}}",
    );
    edit(
        &book,
        "src/server/counter.md",
        "(../sync/mutex.md)",
        "(../sync/mutexes.md)",
    );
    edit(
        &book,
        "src/select/timers.md",
        "```rust\n{{#include",
        "```rust\nlet pasted = 1;\n{{#include",
    );

    let out = xtask(&["docs", "--check", "--book", book.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for problem in [
        "step select nil has no page",
        "select/basic.md: {{#include ../../../crates/select/src/basic.rs:basics}}: no `ANCHOR: basics`",
        "lesson select has no step nope",
        "select/timers.md: the rust block at line",
        "server/counter.md: link to ../sync/mutexes.md: no such file",
        "5 problem(s)",
    ] {
        assert!(
            stderr.contains(problem),
            "{problem:?} not reported:\n{stderr}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_usage_exits_2() {
    let out = xtask(&["docs", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage: cargo xtask docs"));
    let out = xtask(&["docs", "--check", "--book", "/nonexistent/book"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("has no book.toml"));
}
