//! The book's check: every lesson and step has a page, every include and link resolves (captures
//! of steps that exist, anchors and lines that exist), and no Rust is pasted.

use super::capture::{Capture, GENERATED};
use super::{failed, read};
use crate::cargo::{LESSONS, cargo};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Checks the book in `book`, asking the lesson binaries for their steps; returns the captures
/// the book includes, or every problem found.
pub fn verify(book: &Path) -> Result<Vec<Capture>> {
    if !book.join("book.toml").is_file() {
        return Err(Error::Failed(format!(
            "{} is not an mdBook: it has no book.toml",
            book.display()
        )));
    }
    let mut steps = BTreeMap::new();
    let report = problems(book, LESSONS, |lesson| {
        if !steps.contains_key(lesson) {
            steps.insert(lesson.to_owned(), steps_of(lesson));
        }
        steps[lesson].clone()
    })?;
    for lesson in &report.pending {
        eprintln!("note: the chapter of lesson {lesson} is still a draft in SUMMARY.md");
    }
    if report.problems.is_empty() {
        Ok(report.captures)
    } else {
        Err(Error::Failed(format!(
            "the book in {} has {} problem(s):\n  - {}",
            book.display(),
            report.problems.len(),
            report.problems.join("\n  - ")
        )))
    }
}

/// What checking a book found.
#[derive(Debug, Default)]
struct Report {
    problems: Vec<String>,
    /// Lessons whose chapters are declared drafts.
    pending: Vec<String>,
    /// What the book includes from `generated/`, to make before building it.
    captures: Vec<Capture>,
}

impl Report {
    /// Adds `capture` to what must be made, once.
    fn capture(&mut self, capture: Capture) {
        if !self.captures.contains(&capture) {
            self.captures.push(capture);
        }
    }
}

/// Checks the book in `book` against `lessons`; `steps(lesson)` gives a lesson's steps, or why
/// it could not.
fn problems(
    book: &Path,
    lessons: &[&str],
    mut steps: impl FnMut(&str) -> std::result::Result<Vec<String>, String>,
) -> Result<Report> {
    let src = book.join("src");
    let summary = read(&src.join("SUMMARY.md"))?;
    let entries = summary_entries(&summary);
    let mut report = Report::default();

    for (_, link) in entries.iter().filter(|(_, link)| !link.is_empty()) {
        if !src.join(link).is_file() {
            report
                .problems
                .push(format!("SUMMARY.md lists {link}, which does not exist"));
        }
    }
    let linked = |page: &str| entries.iter().any(|(_, link)| link == page);
    for &lesson in lessons {
        let drafted = entries
            .iter()
            .any(|(title, link)| link.is_empty() && title.contains(&format!("`{lesson}`")));
        let index = format!("{lesson}/index.md");
        if !linked(&index) {
            if drafted {
                report.pending.push(lesson.to_owned());
            } else {
                report.problems.push(format!(
                    "lesson {lesson} has no chapter: add src/{index} to SUMMARY.md \
                     (or a draft entry naming `{lesson}` until it is written)"
                ));
            }
            continue;
        }
        match steps(lesson) {
            Err(why) => report.problems.push(why),
            Ok(steps) => {
                for step in steps {
                    let page = format!("{lesson}/{step}.md");
                    if !linked(&page) {
                        report.problems.push(format!(
                            "step {lesson} {step} has no page: add src/{page} under the \
                             lesson's chapter in SUMMARY.md"
                        ));
                    } else if let Ok(text) = read(&src.join(&page)) {
                        for (fence, missing) in [("```go", "Go"), ("```rust", "Rust")] {
                            if !text.contains(fence) {
                                report.problems.push(format!(
                                    "src/{page} shows no {missing} code (a {fence} block)"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    for page in pages(&src)? {
        let text = read(&page)?;
        let name = page
            .strip_prefix(&src)
            .unwrap_or(&page)
            .display()
            .to_string();
        let dir = page.parent().unwrap_or(&src);
        for problem in pasted_rust(&text) {
            report.problems.push(format!("{name}: {problem}"));
        }
        for include in includes(&text) {
            match resolve(&src, dir, &include, lessons, &mut steps) {
                Ok(Some(capture)) => report.capture(capture),
                Ok(None) => {}
                Err(problem) => report
                    .problems
                    .push(format!("{name}: {{{{#{}}}}}: {problem}", include.text)),
            }
        }
        // SUMMARY.md's links are its chapters, checked above.
        let targets = if page == src.join("SUMMARY.md") {
            Vec::new()
        } else {
            links(&text)
        };
        for target in targets {
            let path = normalize(&dir.join(&target));
            let found = match generated(&src, &path) {
                Some(generated) => capture_of(generated, lessons, &mut steps).map(Some),
                None if path.exists() => Ok(None),
                None => Err("no such file".to_owned()),
            };
            match found {
                Ok(Some(capture)) => report.capture(capture),
                Ok(None) => {}
                Err(problem) => report
                    .problems
                    .push(format!("{name}: link to {target}: {problem}")),
            }
        }
    }
    Ok(report)
}

/// One `{{#include path[:anchor | :lines]}}` (or `rustdoc_include`) in a page.
#[derive(Debug, PartialEq, Eq)]
struct Include {
    /// The whole directive without its braces, for messages.
    text: String,
    path: String,
    /// What follows the first `:` of the target, if anything.
    selector: Option<String>,
}

/// The includes in `text`, as mdBook finds them: `{{#include target}}` and `{{#rustdoc_include
/// target}}`; `\{{#...}}` is escaped and skipped.
fn includes(text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let escaped = rest[..open].ends_with('\\');
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let body = &after[..close];
        rest = &after[close + 2..];
        if escaped || body.contains('}') {
            continue;
        }
        let Some(directive) = body.trim_start().strip_prefix('#') else {
            continue;
        };
        let mut words = directive.split_whitespace();
        let (Some(kind), Some(target)) = (words.next(), words.next()) else {
            continue;
        };
        if kind != "include" && kind != "rustdoc_include" {
            continue;
        }
        let (path, selector) = match target.split_once(':') {
            Some((path, selector)) => (path, Some(selector.to_owned())),
            None => (target, None),
        };
        found.push(Include {
            text: directive.trim().to_owned(),
            path: path.to_owned(),
            selector,
        });
    }
    found
}

/// Checks that `include`, found in a page in `dir`, resolves; returns the capture it names when it
/// names one.
fn resolve(
    src: &Path,
    dir: &Path,
    include: &Include,
    lessons: &[&str],
    steps: &mut impl FnMut(&str) -> std::result::Result<Vec<String>, String>,
) -> std::result::Result<Option<Capture>, String> {
    let path = normalize(&dir.join(&include.path));
    if let Some(generated) = generated(src, &path) {
        return capture_of(generated, lessons, steps).map(Some);
    }
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    match include.selector.as_deref() {
        None | Some("") => Ok(None),
        Some(selector) => check_selector(&text, selector).map(|()| None),
    }
}

/// `path` relative to `src/generated/`, if it lies there.
fn generated<'a>(src: &Path, path: &'a Path) -> Option<&'a Path> {
    path.strip_prefix(normalize(&src.join(GENERATED))).ok()
}

/// The capture `generated` (a path relative to `src/generated/`) names, checked against the
/// lessons and their steps.
fn capture_of(
    generated: &Path,
    lessons: &[&str],
    steps: &mut impl FnMut(&str) -> std::result::Result<Vec<String>, String>,
) -> std::result::Result<Capture, String> {
    let capture = Capture::parse(generated)?;
    let lesson = capture.lesson();
    if !lessons.contains(&lesson) {
        return Err(format!(
            "there is no lesson {lesson} (lessons: {})",
            lessons.join(", ")
        ));
    }
    if let Some(step) = capture.step() {
        let steps = steps(lesson)?;
        if !steps.iter().any(|s| s == step) {
            return Err(format!(
                "lesson {lesson} has no step {step} (steps: {})",
                steps.join(", ")
            ));
        }
    }
    Ok(capture)
}

/// The local files a page links to or shows, outside code: the targets of Markdown links and
/// images (`[text](target)`, `![alt](target)`) and of HTML `src="target"`, without `#fragment`s.
/// Addresses (`https://...`, `mailto:`), fragments alone and empty targets (draft chapters) are
/// left out.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        // Code spans may show link syntax without being links.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut targets = Vec::new();
        for (marker, end) in [("](", ')'), ("src=\"", '"')] {
            let mut rest = prose.as_str();
            while let Some(at) = rest.find(marker) {
                rest = &rest[at + marker.len()..];
                let Some(close) = rest.find(end) else { break };
                // `[text](target "title")`: the target is the first word.
                targets.push(
                    rest[..close]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                );
                rest = &rest[close..];
            }
        }
        for target in targets {
            let target = target.split('#').next().unwrap_or("");
            let address = target.contains("://") || target.starts_with("mailto:");
            if !target.is_empty() && !address {
                found.push(target.to_owned());
            }
        }
    }
    found
}

/// Checks `selector` (an anchor name, or mdBook's `start[:end]` line numbers) against `text`.
fn check_selector(text: &str, selector: &str) -> std::result::Result<(), String> {
    let mut parts = selector.splitn(3, ':');
    let first = parts.next().unwrap_or("");
    if first.is_empty() || first.parse::<usize>().is_ok() {
        // Lines: mdBook counts from 1 and clamps the end; a start past the end shows nothing.
        let lines = text.lines().count();
        match first.parse::<usize>() {
            Ok(start) if start > lines => Err(format!("starts at line {start} of {lines}")),
            _ => Ok(()),
        }
    } else {
        let anchored = anchored_lines(text, first)?;
        if anchored.iter().all(|l| l.trim().is_empty()) {
            Err(format!("anchor {first} is empty"))
        } else {
            Ok(())
        }
    }
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, as mdBook takes them (lines naming
/// other anchors left out), or why there are none.
fn anchored_lines<'a>(text: &'a str, name: &str) -> std::result::Result<Vec<&'a str>, String> {
    let start = text
        .lines()
        .position(|l| anchor_in(l, "ANCHOR:") == Some(name));
    let Some(start) = start else {
        return Err(format!("no `ANCHOR: {name}` in the file"));
    };
    let mut kept = Vec::new();
    for line in text.lines().skip(start + 1) {
        match anchor_in(line, "ANCHOR_END:") {
            Some(end) if end == name => return Ok(kept),
            Some(_) => {}
            None if anchor_in(line, "ANCHOR:").is_some() => {}
            None => kept.push(line),
        }
    }
    Err(format!("`ANCHOR: {name}` has no `ANCHOR_END: {name}`"))
}

/// The anchor name after `marker` (`ANCHOR:` or `ANCHOR_END:`) in `line`, if the line has one,
/// as mdBook reads it: `marker`, optional spaces, then `[\w_-]+`.
fn anchor_in<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let name = line[line.find(marker)? + marker.len()..].trim_start();
    let len = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(name.len());
    (len > 0).then(|| &name[..len])
}

/// Where a page's lines are, as far as code fences go.
#[derive(Clone, Copy)]
enum Fence {
    Outside,
    /// In a ```rust block opened on line `start`; `reported` once it has been found pasted.
    Rust {
        start: usize,
        reported: bool,
    },
    Other,
}

/// Rust code pasted into a page: a ```rust block holding anything but includes.
fn pasted_rust(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fence = Fence::Outside;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        let number = index + 1;
        fence = match (fence, line.starts_with("```")) {
            (Fence::Outside, true) => {
                let lang = line.trim_start_matches('`').split([',', ' ']).next();
                if lang == Some("rust") {
                    Fence::Rust {
                        start: number,
                        reported: false,
                    }
                } else {
                    Fence::Other
                }
            }
            (Fence::Outside, false) => Fence::Outside,
            (_, true) => Fence::Outside,
            (Fence::Other, false) => Fence::Other,
            (Fence::Rust { start, reported }, false) => {
                let included =
                    line.starts_with("{{#include ") || line.starts_with("{{#rustdoc_include ");
                let pasted = !(line.is_empty() || included);
                if pasted && !reported {
                    problems.push(format!(
                        "the rust block at line {start} has pasted code (line {number}): \
                         include it from a compiled file instead"
                    ));
                }
                Fence::Rust {
                    start,
                    reported: reported || pasted,
                }
            }
        };
    }
    problems
}

/// `[title](link)` of every chapter in SUMMARY.md, in order; a draft chapter has an empty link.
fn summary_entries(summary: &str) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    for line in summary.lines() {
        let line = line
            .trim_start()
            .trim_start_matches(['-', '*'])
            .trim_start();
        let Some(rest) = line.strip_prefix('[') else {
            continue;
        };
        let Some((title, tail)) = rest.split_once("](") else {
            continue;
        };
        let Some((link, _)) = tail.split_once(')') else {
            continue;
        };
        entries.push((title.to_owned(), link.trim().to_owned()));
    }
    entries
}

/// A lesson's steps, from its binary's `--list`.
fn steps_of(lesson: &str) -> std::result::Result<Vec<String>, String> {
    let output = cargo(["run", "--quiet", "--package"])
        .arg(format!("chanlab-{lesson}"))
        .args(["--", "--list"])
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "could not list the steps of {lesson}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(parse_list(&String::from_utf8_lossy(&output.stdout)))
}

/// The step names in a lesson binary's `--list`: the first word of each indented line.
fn parse_list(list: &str) -> Vec<String> {
    list.lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Every Markdown page under `src`, generated output aside.
fn pages(src: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut dirs = vec![src.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| failed(&dir, e))? {
            let path = entry.map_err(|e| failed(&dir, e))?.path();
            if path.is_dir() {
                if path != src.join(GENERATED) {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `path` with `.` and `..` taken out, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "\
fn main() {
    // ANCHOR: outer
    let a = 1;
    // ANCHOR: inner
    let b = 2;
    // ANCHOR_END: inner
    // ANCHOR: empty
    // ANCHOR_END: empty
    // ANCHOR_END: outer
    // ANCHOR: open
}
";

    #[test]
    fn includes_are_found_as_mdbook_finds_them() {
        let page = "text {{#include ../a.rs:outer}} and {{ #rustdoc_include b.rs }}\n\
                    \\{{#include escaped.rs}} {{#title T}} {{#include c.rs:3:5}}";
        let found: Vec<(String, Option<String>)> = includes(page)
            .into_iter()
            .map(|i| (i.path, i.selector))
            .collect();
        assert_eq!(
            found,
            [
                ("../a.rs".into(), Some("outer".into())),
                ("b.rs".into(), None),
                ("c.rs".into(), Some("3:5".into())),
            ]
        );
    }

    #[test]
    fn anchors_resolve_like_mdbook() {
        assert_eq!(
            anchored_lines(CODE, "outer").unwrap(),
            ["    let a = 1;", "    let b = 2;"],
            "lines naming other anchors are left out"
        );
        assert_eq!(anchored_lines(CODE, "inner").unwrap(), ["    let b = 2;"]);
        assert!(check_selector(CODE, "outer").is_ok());
        let missing = check_selector(CODE, "outre").unwrap_err();
        assert!(missing.contains("no `ANCHOR: outre`"), "{missing}");
        assert!(check_selector(CODE, "empty").unwrap_err().contains("empty"));
        assert!(
            check_selector(CODE, "open")
                .unwrap_err()
                .contains("no `ANCHOR_END: open`")
        );
        assert_eq!(
            anchor_in("// ANCHOR:  spaced-name_2 trailing", "ANCHOR:"),
            Some("spaced-name_2")
        );
        assert_eq!(anchor_in("// ANCHOR_END: x", "ANCHOR:"), None);
    }

    #[test]
    fn line_ranges_must_start_inside_the_file() {
        assert!(check_selector(CODE, "2:4").is_ok());
        assert!(check_selector(CODE, ":4").is_ok());
        assert!(check_selector(CODE, "11").is_ok());
        assert!(
            check_selector(CODE, "12")
                .unwrap_err()
                .contains("line 12 of 11")
        );
    }

    #[test]
    fn pasted_rust_is_found_once_per_block() {
        let page = "```rust\n{{#include a.rs:x}}\n```\n\
                    ```go\nfunc main() {}\n```\n\
                    ```rust,compile_fail\nlet x = 1;\nlet y = 2;\n```\n\
                    ```text\nlet z = 3;\n```\n";
        let problems = pasted_rust(page);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("block at line 7"), "{problems:?}");
    }

    #[test]
    fn summary_entries_include_drafts() {
        let summary = "# Summary\n\n[Intro](intro.md)\n\n# Part\n\n\
                       - [Lesson](lesson/index.md)\n  - [step](lesson/step.md)\n\
                       - [Later: `sync`]()\n";
        assert_eq!(
            summary_entries(summary),
            [
                ("Intro".to_owned(), "intro.md".to_owned()),
                ("Lesson".into(), "lesson/index.md".into()),
                ("step".into(), "lesson/step.md".into()),
                ("Later: `sync`".into(), String::new()),
            ]
        );
    }

    #[test]
    fn links_and_images_are_found_outside_code() {
        let page = "See [nil](nil.md#spin) and ![A figure](../generated/server/lissajous.gif \"t\").\n\
                    <img src=\"pic.gif\" alt=\"x\"> [docs](https://docs.rs) [top](#top) [draft]()\n\
                    `[not](a link)` and then [after](after.md)\n\
                    ```go\nx := f[i](y)\n```\n";
        assert_eq!(
            links(page),
            [
                "nil.md",
                "../generated/server/lissajous.gif",
                "pic.gif",
                "after.md"
            ]
        );
    }

    #[test]
    fn steps_come_from_the_list() {
        let list =
            "select: wait on several channels\n  basic     5.5  two producers\n  nil  5.5  x\n";
        assert_eq!(parse_list(list), ["basic", "nil"]);
    }

    /// A book in a fresh temporary directory, removed when dropped.
    struct Fixture(PathBuf);

    impl Fixture {
        fn new(name: &str, files: &[(&str, &str)]) -> Fixture {
            let dir =
                std::env::temp_dir().join(format!("xtask-docs-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            for (path, text) in files {
                let path = dir.join(path);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, text).unwrap();
            }
            Fixture(dir)
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn steps(lesson: &str) -> std::result::Result<Vec<String>, String> {
        match lesson {
            "alpha" => Ok(vec!["one".into(), "two".into()]),
            other => Err(format!("no lesson {other}")),
        }
    }

    #[test]
    fn a_whole_book_is_checked() {
        let fixture = Fixture::new(
            "whole",
            &[
                ("book.toml", "[book]\n"),
                ("code.rs", CODE),
                (
                    "src/SUMMARY.md",
                    "[Intro](intro.md)\n- [Alpha](alpha/index.md)\n  - [one](alpha/one.md)\n\
                     - [Later: `beta`]()\n- [Gone](gone.md)\n",
                ),
                (
                    "src/intro.md",
                    "{{#include generated/alpha/two.timeline.txt}}\n\
                     ![figure](generated/alpha/one.gif) [one](alpha/one.md) [lost](lost.md)\n\
                     ![no step](generated/alpha/six.gif)\n",
                ),
                (
                    "src/alpha/index.md",
                    "{{#include ../generated/alpha/three.txt}}\n\
                     {{#include ../generated/labs/alpha.md}}\n\
                     {{#include ../generated/labs/delta.md}}\n",
                ),
                (
                    "src/alpha/one.md",
                    "```go\n```\n```rust\n{{#include ../../code.rs:outer}}\n\
                     {{#include ../../code.rs:nope}}\n{{#include ../../missing.rs}}\n```\n",
                ),
                ("src/alpha/two.md", "only prose\n"),
            ],
        );
        let report = problems(&fixture.0, &["alpha", "beta", "gamma"], steps).unwrap();
        let all = report.problems.join("\n");
        for expected in [
            "SUMMARY.md lists gone.md, which does not exist",
            "step alpha two has no page",
            "lesson gamma has no chapter",
            "alpha/index.md: {{#include ../generated/alpha/three.txt}}: lesson alpha has no step three",
            "no `ANCHOR: nope`",
            "missing.rs",
            "there is no lesson delta",
            "intro.md: link to lost.md: no such file",
            "intro.md: link to generated/alpha/six.gif: lesson alpha has no step six",
        ] {
            assert!(all.contains(expected), "{expected:?} not in:\n{all}");
        }
        assert_eq!(report.problems.len(), 9, "{all}");
        assert_eq!(report.pending, ["beta"]);
        assert_eq!(
            report.captures,
            [
                Capture::Labs {
                    lesson: "alpha".into()
                },
                Capture::Step {
                    lesson: "alpha".into(),
                    step: "two".into(),
                    timeline: true
                },
                Capture::Gif {
                    lesson: "alpha".into(),
                    step: "one".into(),
                },
            ]
        );
    }

    #[test]
    fn a_step_page_needs_go_and_rust() {
        let fixture = Fixture::new(
            "sides",
            &[
                ("book.toml", "[book]\n"),
                (
                    "src/SUMMARY.md",
                    "- [Alpha](alpha/index.md)\n  - [one](alpha/one.md)\n  - [two](alpha/two.md)\n",
                ),
                ("src/alpha/index.md", "prose\n"),
                ("src/alpha/one.md", "```go\nx\n```\n"),
                (
                    "src/alpha/two.md",
                    "```rust\n{{#include ../../book.toml}}\n```\n```go\n```\n",
                ),
            ],
        );
        let report = problems(&fixture.0, &["alpha"], steps).unwrap();
        assert_eq!(
            report.problems,
            ["src/alpha/one.md shows no Rust code (a ```rust block)"]
        );
    }
}
