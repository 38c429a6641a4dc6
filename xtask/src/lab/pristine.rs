//! The course's versions of the lab files a student must not edit (the tests, their harness, the
//! labs' manifest) and of the starters, by hash.
//!
//! `lab grade` refuses to grade when a protected file differs; `lab reset` finds the starter in
//! git's history by its hash; `cargo xtask test` fails when a file drifts from this table, and
//! prints the new table to paste below. The hash is FNV-1a (64 bits) with CRLF read as LF: it
//! catches accidents and casual edits, not a determined forger — whoever can edit the tests can
//! edit this file too. An autograder should restore the course's tests before grading.

use super::Lab;
use std::path::Path;

/// Paths relative to `labs/`, and their hashes.
const PRISTINE: &[(&str, u64)] = &[
    ("Cargo.toml", 0xd913b0c2d8aba4ee),
    ("exercises/async_blocking.rs", 0xab02828022fac202),
    ("exercises/async_cancel_tree.rs", 0x035b6fd1b1db0069),
    ("exercises/async_fetch_limit.rs", 0xb7d13ba6636a2155),
    ("exercises/bursty_limiter.rs", 0x055a31e71447b3e5),
    ("exercises/close_and_range.rs", 0x01a7a737dc0402a8),
    ("exercises/collect.rs", 0x2a1ca42901bd0abb),
    ("exercises/context_pipeline.rs", 0x7eb888e00a4173e9),
    ("exercises/directions.rs", 0xb9157b2e9c0bada1),
    ("exercises/drop_when_full.rs", 0xacbdcf19dedba65a),
    ("exercises/fetchall_limit.rs", 0x9fc7dfd1a6bbe227),
    ("exercises/first_error.rs", 0xa4a17f237fbece06),
    ("exercises/first_response.rs", 0xca2a6dd4d71466c8),
    ("exercises/fix_deadlock.rs", 0x8a8bd3aae2866dd2),
    ("exercises/fix_leak.rs", 0x7073d8fcf388f02f),
    ("exercises/fix_race.rs", 0xc4a00ec4590a32eb),
    ("exercises/heartbeat.rs", 0xf7f79aff371860a3),
    ("exercises/lock_scope.rs", 0x7f30df8b8e16685e),
    ("exercises/merge.rs", 0x24e6f45a05563618),
    ("exercises/ping_pong.rs", 0xd50765c9ff6cc652),
    ("exercises/pipeline.rs", 0x178d4649cfab012f),
    ("exercises/request_counter.rs", 0x0ae617fe455063d3),
    ("exercises/timeout_call.rs", 0x0e4b690421653691),
    ("exercises/waitgroup.rs", 0xf0a6588791a16752),
    ("exercises/worker_pool.rs", 0x348f8e30fbd23e05),
    ("models/Cargo.toml", 0xe52ba59a0df202db),
    ("models/build.rs", 0xffaa2aebeaafee7d),
    ("models/src/lib.rs", 0x58a21f658030df51),
    ("models/tests/fix_race.rs", 0xe3ea486e9c048954),
    ("models/tests/request_counter.rs", 0xb176b7fa9d7d925f),
    ("src/lib.rs", 0xdeb6044270bed9a8),
    ("src/probes.rs", 0x6d595b53e9d2a314),
    ("src/seed.rs", 0xa53fb828c75b5a41),
    ("src/tasks.rs", 0x78eb493a30804c06),
    ("tests/async_blocking.rs", 0xb34a1cd1e42ea4df),
    ("tests/async_cancel_tree.rs", 0x392c8c1e7dedf103),
    ("tests/async_fetch_limit.rs", 0x1f57a8a98692b6d6),
    ("tests/bursty_limiter.rs", 0x311d6a7e3986ae7f),
    ("tests/close_and_range.rs", 0x20f37be7bb24ba23),
    ("tests/collect.rs", 0xf065310fe25f9598),
    ("tests/context_pipeline.rs", 0x07e342782c85b403),
    ("tests/directions.rs", 0x34d85491ccb3caf8),
    ("tests/drop_when_full.rs", 0xf2dfc9f3a715a3b2),
    ("tests/fetchall_limit.rs", 0xdee4e660951e7ea2),
    ("tests/first_error.rs", 0x345f0c1975cef01c),
    ("tests/first_response.rs", 0x58d2ab1c77a3e0af),
    ("tests/fix_deadlock.rs", 0xd67d2cb702790c94),
    ("tests/fix_leak.rs", 0x980338c63eccf088),
    ("tests/fix_race.rs", 0x5a607bb0b7779c4b),
    ("tests/heartbeat.rs", 0x6e2686e101254503),
    ("tests/lock_scope.rs", 0x03d398b3c8a3742b),
    ("tests/merge.rs", 0xe7f199b482c65d51),
    ("tests/ping_pong.rs", 0x34dc2e9ffd9c25e4),
    ("tests/pipeline.rs", 0x6eb236b46600e9db),
    ("tests/request_counter.rs", 0x377b20b3f863e058),
    ("tests/timeout_call.rs", 0x441f082242d75dac),
    ("tests/waitgroup.rs", 0x9a0880105543b518),
    ("tests/worker_pool.rs", 0xcd2d378378436956),
];

/// FNV-1a over `bytes`, skipping a CR that precedes an LF so that a Windows checkout hashes alike.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The recorded hash of `path` (relative to `labs/`).
pub fn expected(path: &str) -> Option<u64> {
    PRISTINE.iter().find(|(p, _)| *p == path).map(|(_, h)| *h)
}

/// The files a student must not edit: the manifests, the harness and the models' build (every
/// file under `src/` and `models/` in `dir`, and every one the table lists), and the labs' tests.
fn protected(dir: &Path, labs: &[Lab]) -> Vec<String> {
    let mut shared: Vec<String> = PRISTINE
        .iter()
        .map(|(p, _)| p.to_string())
        .filter(|p| p.starts_with("src/") || p.starts_with("models/"))
        .collect();
    for sub in ["src", "models", "models/src", "models/tests"] {
        for entry in std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            let file = format!("{sub}/{}", entry.file_name().to_string_lossy());
            if entry.path().is_file() && !shared.contains(&file) {
                shared.push(file);
            }
        }
    }
    shared.sort();
    let mut files = vec!["Cargo.toml".to_owned()];
    files.extend(shared);
    files.extend(labs.iter().map(|l| format!("tests/{}.rs", l.name)));
    files
}

/// Every file the table covers: the protected ones and the starters.
fn covered(dir: &Path, labs: &[Lab]) -> Vec<String> {
    let mut files = protected(dir, labs);
    files.extend(labs.iter().map(|l| format!("exercises/{}.rs", l.name)));
    files
}

fn differs(dir: &Path, path: &str) -> bool {
    let actual = std::fs::read(dir.join(path)).ok().map(|b| hash(&b));
    actual.is_none() || actual != expected(path)
}

/// Protected files under `dir` (the labs directory) that differ from the course's.
pub fn modified_tests(dir: &Path, labs: &[Lab]) -> Vec<String> {
    protected(dir, labs)
        .into_iter()
        .filter(|p| differs(dir, p))
        .collect()
}

/// Every covered file that differs from the table, and table entries for files no longer listed.
pub fn drift(dir: &Path, labs: &[Lab]) -> Vec<String> {
    let covered = covered(dir, labs);
    let mut drift: Vec<String> = covered
        .iter()
        .filter(|p| differs(dir, p))
        .cloned()
        .collect();
    drift.extend(
        PRISTINE
            .iter()
            .filter(|(p, _)| !covered.iter().any(|c| c == p))
            .map(|(p, _)| format!("{p} (no longer a lab file)")),
    );
    drift
}

/// The table as it should read for the files under `dir` now.
pub fn table(dir: &Path, labs: &[Lab]) -> String {
    let mut files: Vec<String> = covered(dir, labs)
        .into_iter()
        .filter(|p| dir.join(p).exists())
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let h = std::fs::read(dir.join(p)).map_or(0, |b| hash(&b));
            format!("    (\"{p}\", 0x{h:016x}),\n")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_its_reference_values() {
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn an_edited_test_is_noticed_and_only_it() {
        let labs = super::super::load().expect("labs/info.toml parses");
        let course = super::super::labs_dir();
        let copy = std::env::temp_dir().join(format!("chanlab-pristine-{}", std::process::id()));
        for file in protected(&course, &labs) {
            let to = copy.join(&file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(course.join(&file), &to).unwrap();
        }
        let untouched = modified_tests(&copy, &labs);
        let edited = copy.join("tests/fix_race.rs");
        let mut text = std::fs::read_to_string(&edited).unwrap();
        text.push_str("// one more line\n");
        std::fs::write(&edited, text).unwrap();
        let after_edit = modified_tests(&copy, &labs);
        std::fs::remove_dir_all(&copy).unwrap();
        assert_eq!(
            untouched,
            Vec::<String>::new(),
            "the course's files match the table"
        );
        assert_eq!(after_edit, ["tests/fix_race.rs"]);
    }

    #[test]
    fn crlf_hashes_like_lf() {
        assert_eq!(hash(b"one\r\ntwo\r\n"), hash(b"one\ntwo\n"));
        assert_ne!(hash(b"one\rtwo"), hash(b"onetwo"));
    }
}
