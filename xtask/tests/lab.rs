//! Tests of `cargo xtask lab`, run as a student or an instructor would run it. They expect the
//! course's starters in `labs/exercises/` (as `cargo xtask lab verify` does).
mod support;
use support::{LabsCopy, text, xtask};

use std::process::Output;

/// Runs `cargo xtask lab <args>`.
fn lab(args: &[&str]) -> Output {
    let mut all = vec!["lab"];
    all.extend_from_slice(args);
    xtask(&all)
}

/// The lab names in `labs/info.toml`, in order.
fn lab_names() -> Vec<String> {
    let info = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../labs/info.toml"))
        .expect("labs/info.toml");
    info.lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"').to_owned())
        .collect()
}

#[test]
fn list_shows_every_lab_in_order_with_its_status() {
    let out = lab(&["list"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names = lab_names();
    assert!(names.len() >= 20, "{names:?}");
    let rows: Vec<&str> = stdout.lines().skip(1).take(names.len()).collect();
    for (name, row) in names.iter().zip(&rows) {
        let fields: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(fields.get(1), Some(&name.as_str()), "{row}");
        assert!(matches!(fields.last(), Some(&"pending" | &"done")), "{row}");
    }
    assert!(
        stdout.contains(&format!("of {} done.", names.len())),
        "{stdout}"
    );
}

#[test]
fn hint_and_solution_show_the_lab_files() {
    let out = lab(&["hint", "close_and_range"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("drop(tx)"),
        "{}",
        text(&out.stdout)
    );
    let out = lab(&["solution", "merge"]);
    let solution = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../labs/solutions/merge.rs"
    ))
    .expect("the solution file");
    assert_eq!(text(&out.stdout), solution);
}

#[test]
fn an_unknown_lab_exits_2_naming_the_labs() {
    let out = lab(&["check", "nope"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no lab \"nope\""), "{stderr}");
    assert!(stderr.contains("labs: collect, ping_pong, "), "{stderr}");
    let out = lab(&["hint", "colect"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean \"collect\"?"));
    let out = lab(&["grdae"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean \"grade\"?"));
}

#[test]
fn check_names_the_failing_test_and_gives_the_hint_when_it_fails_again() {
    let copy = LabsCopy::new();
    let out = copy.lab(&["check", "fix_race"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("test concurrent_withdrawals_never_overdraw ... FAILED"),
        "{stdout}"
    );
    assert!(stdout.contains("✗ fix_race fails its tests"), "{stdout}");
    assert!(!stdout.contains("hint: "), "{stdout}");
    assert!(
        stdout.contains("`cargo xtask lab hint fix_race` gives a hint"),
        "{stdout}"
    );
    let again = text(&copy.lab(&["check", "fix_race"]).stdout);
    assert!(again.contains("hint: Lock once"), "{again}");
}

#[test]
fn a_compile_error_names_the_file_the_student_edits_and_gives_no_hint() {
    let copy = LabsCopy::new();
    let starter = copy.read("exercises/ping_pong.rs");
    copy.write(
        "exercises/ping_pong.rs",
        &format!("{starter}\nfn broken() -> u8 {{\n    \"not a number\"\n}}\n"),
    );
    for _ in 0..2 {
        let out = copy.lab(&["check", "ping_pong"]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
        assert!(stdout.contains("✗ ping_pong does not compile"), "{stdout}");
        assert!(
            stderr.contains("lab-copy/labs/exercises/ping_pong.rs:"),
            "the error points at the student's file: {stderr}"
        );
        assert!(!stderr.contains("tests/../"), "{stderr}");
        assert!(
            !stdout.contains("hint"),
            "no hint for a compile error: {stdout}"
        );
    }
    copy.write("exercises/ping_pong.rs", &starter);
}

#[test]
fn grade_json_prints_one_object_with_a_result_per_lab() {
    let out = lab(&["grade", "--json", "request_counter", "fix_deadlock"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(stdout.lines().count(), 1, "one line of JSON: {stdout}");
    assert!(
        stdout.starts_with("{\"score\":0,\"total\":2,\"labs\":[{\"name\":\"request_counter\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"name\":\"fix_deadlock\",\"section\":\"5.10\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"status\":\"failed\",\"passed\":false"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"every_thread_gets_its_left_neighbours_number\""),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("]}"), "{stdout}");
    // The progress is on stderr: the build, then a line per lab with a mark per test.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("compiling the tests of 2 lab(s)…"),
        "{stderr}"
    );
    for lab in ["request_counter", "fix_deadlock"] {
        let row = stderr
            .lines()
            .find(|l| l.starts_with(&format!("{lab} ")))
            .unwrap_or_default();
        let marks = row.split_whitespace().nth(1).unwrap_or_default();
        assert!(
            marks.contains('F') && marks.chars().all(|c| c == '.' || c == 'F'),
            "{stderr}"
        );
        assert!(row.contains(" failed ("), "{stderr}");
    }
}

/// `grade` marks each test as it ends, not all at the end: the first mark comes while the other
/// tests still run (they take seconds more), and stdout waits for the score.
#[test]
fn grade_marks_each_test_as_it_ends() {
    let copy = LabsCopy::new();
    let starter = copy.read("exercises/collect.rs");
    // The first test (three URLs) meets its 5 s deadline; the next two take about 2 s more.
    let stuck_first = starter.replacen(
        "-> Vec<String> {",
        "-> Vec<String> {\n    while urls.len() == 3 {\n        \
         thread::sleep(Duration::from_secs(1));\n    }",
        1,
    );
    assert_ne!(
        stuck_first, starter,
        "collect's starter has its fetch_all where expected"
    );
    copy.write("exercises/collect.rs", &stuck_first);
    let mut child = copy
        .command(&["grade", "--json", "collect"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xtask starts");
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let stdout = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout.expect("stdout"), &mut text);
        text
    });
    // Stderr a piece at a time, as it comes.
    let (pieces, arrive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut stderr = stderr.expect("stderr");
        let mut buffer = [0u8; 256];
        while let Ok(read @ 1..) = std::io::Read::read(&mut stderr, &mut buffer) {
            if pieces.send(buffer[..read].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    while !text(&seen).contains("collect                 F") {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match arrive.recv_timeout(left) {
            Ok(piece) => seen.extend(piece),
            Err(_) => panic!("no first mark within 10 minutes: {}", text(&seen)),
        }
    }
    assert!(
        child.try_wait().expect("the status").is_none(),
        "the first mark came only at the end: {}",
        text(&seen)
    );
    while let Ok(piece) = arrive.recv_timeout(std::time::Duration::from_secs(120)) {
        seen.extend(piece);
    }
    let status = child.wait().expect("xtask ends once its stderr has");
    let (stderr, stdout) = (text(&seen), stdout.join().expect("stdout"));
    assert!(status.success(), "{stderr}");
    // A mark per test of collect's, the stuck first one failed.
    let tests = copy.read("tests/collect.rs").matches("#[test]").count();
    let marks = stderr
        .lines()
        .find_map(|l| l.strip_prefix("collect"))
        .and_then(|rest| rest.trim_start().split_once(" failed ("))
        .map(|(marks, _)| marks.to_owned())
        .unwrap_or_default();
    assert_eq!(marks.len(), tests, "{stderr}");
    assert!(marks.starts_with('F'), "{stderr}");
    assert!(marks.chars().all(|m| m == '.' || m == 'F'), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

/// `check` refuses edited tests as `grade` does, and passes a lab only when its tests ran to the
/// end. (One test, as the scenarios share one copy.)
#[test]
fn check_refuses_edited_tests_and_runs_cut_short() {
    let copy = LabsCopy::new();
    let solution = copy.read("solutions/merge.rs");
    let tests = copy.read("tests/merge.rs");

    // Every test ignored, and the solution in place: refused, and not marked done.
    copy.write("exercises/merge.rs", &solution);
    copy.write(
        "tests/merge.rs",
        &tests.replace("#[test]", "#[test]\n#[ignore]"),
    );
    let out = copy.lab(&["check", "merge"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("refusing to check: these files differ from the course's: tests/merge.rs"),
        "{stdout}{stderr}"
    );
    assert!(!stdout.contains("passes"), "{stdout}");
    let list = text(&copy.lab(&["list"]).stdout);
    let row = list.lines().find(|l| l.contains(" merge ")).unwrap_or("");
    assert!(row.ends_with("pending"), "{list}");
    let out = copy.lab(&["grade", "merge"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("refusing to grade: these files differ"));
    copy.write("tests/merge.rs", &tests);

    // Code that ends the whole test process, with success, the first time a test calls it.
    let exits = solution.replacen(
        "let (out, merged) = bounded(0);",
        "std::process::exit(0);\n    #[allow(unreachable_code)]\n    let (out, merged) = bounded(0);",
        1,
    );
    assert_ne!(
        exits, solution,
        "merge's first line is where this test expects it"
    );
    copy.write("exercises/merge.rs", &exits);
    let out = copy.lab(&["check", "merge"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("did not run its tests to the end"),
        "{stdout}"
    );

    // The solution itself passes the same way: the refusals above are the edits' doing.
    copy.write("exercises/merge.rs", &solution);
    let out = copy.lab(&["check", "merge"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("✓ merge passes"));
}

/// The instructors' recipe in labs/README.md, run as written on two made-up submissions: one
/// half done, one that edited a test so that it would pass. Its builds share the labs copy's.
#[test]
fn the_readme_grades_a_class_into_a_csv() {
    let course = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let readme = std::fs::read_to_string(course.join("labs/README.md")).expect("labs/README.md");
    let recipe = readme
        .split_once("### Grading a class")
        .and_then(|(_, after)| after.split_once("```sh\n"))
        .and_then(|(_, script)| script.split_once("```\n"))
        .map(|(script, _)| script)
        .expect("labs/README.md has the script under \"### Grading a class\"");
    let copy = LabsCopy::new();
    let grading = copy.dir.parent().expect("the copy's directory").to_owned();
    let submissions = grading.join("submissions");
    let _ = std::fs::remove_dir_all(&submissions);
    let course_file = |path: &str| {
        std::fs::read_to_string(course.join("labs").join(path)).expect("a course file")
    };
    let submit = |student: &str, path: &str, text: &str| {
        let file = submissions.join(student).join("labs").join(path);
        std::fs::create_dir_all(file.parent().expect("a directory")).expect("mkdir");
        std::fs::write(file, text).expect("write a submission");
    };
    // Ada solved two labs of four and left merge as it was.
    submit(
        "ada",
        "exercises/collect.rs",
        &course_file("solutions/collect.rs"),
    );
    submit(
        "ada",
        "exercises/ping_pong.rs",
        &course_file("solutions/ping_pong.rs"),
    );
    submit(
        "ada",
        "exercises/merge.rs",
        &course_file("exercises/merge.rs"),
    );
    // Bob solved merge, and ignored fix_race's tests instead of fixing it.
    submit(
        "bob",
        "exercises/merge.rs",
        &course_file("solutions/merge.rs"),
    );
    let ignored = course_file("tests/fix_race.rs").replace("#[test]", "#[test]\n#[ignore]");
    submit("bob", "tests/fix_race.rs", &ignored);
    let exercises = |dir: &std::path::Path| {
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir.join("labs/exercises"))
            .expect("the course's exercises")
            .flatten()
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                (e.file_name().to_string_lossy().into_owned(), text)
            })
            .collect();
        files.sort();
        files
    };
    let before = exercises(course);

    let script = grading.join("grade-class.sh");
    std::fs::write(&script, recipe).expect("write the script");
    let csv = grading.join("scores.csv");
    let _ = std::fs::remove_file(&csv);
    let mut command = std::process::Command::new("sh");
    command
        .arg(&script)
        .arg(course)
        .arg(&submissions)
        .arg(&csv)
        .args(["collect", "ping_pong", "merge", "fix_race"])
        .env("GRADING_DIR", &grading)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CHANLAB_LABS_DIR");
    let out = support::output_within(command);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&csv).expect("the CSV"),
        "student,score,total,collect,ping_pong,merge,fix_race\n\
         ada,2,4,passed,passed,failed,failed\n\
         bob,1,4,failed,failed,passed,failed\n"
    );
    assert_eq!(
        exercises(course),
        before,
        "grading leaves the course's labs/exercises/ alone"
    );
}
