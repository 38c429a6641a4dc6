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
    ("Cargo.toml", 0xb5659a5002d4e567),
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
    ("src/lib.rs", 0x1afc83a234e93c65),
    ("tests/bursty_limiter.rs", 0x12a0ed1de028256c),
    ("tests/close_and_range.rs", 0x0283b9981202cef0),
    ("tests/collect.rs", 0x710cf3966b65b47d),
    ("tests/context_pipeline.rs", 0x6364f59cdd4e097c),
    ("tests/directions.rs", 0x8e6881d70db8d92d),
    ("tests/drop_when_full.rs", 0x4f04b5633074f214),
    ("tests/fetchall_limit.rs", 0x067e654688b71a4c),
    ("tests/first_error.rs", 0x7ecb12bfc7d717b5),
    ("tests/first_response.rs", 0x471e12bb8889afa6),
    ("tests/fix_deadlock.rs", 0x326756435cf449b1),
    ("tests/fix_leak.rs", 0x0c462b9a28c744d9),
    ("tests/fix_race.rs", 0x1a21d5bcdeef55d9),
    ("tests/heartbeat.rs", 0xd81a9e161d6eddd0),
    ("tests/lock_scope.rs", 0x732fe9b60ad140d6),
    ("tests/merge.rs", 0x1a568fc31c408806),
    ("tests/ping_pong.rs", 0xc55249223bf3dabd),
    ("tests/pipeline.rs", 0xf0388956caf8595a),
    ("tests/request_counter.rs", 0x377b20b3f863e058),
    ("tests/timeout_call.rs", 0x7bf2c00db91e29db),
    ("tests/waitgroup.rs", 0x00a3c83120728d1c),
    ("tests/worker_pool.rs", 0xd1722987f00a8cee),
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

/// The files a student must not edit.
fn protected(labs: &[Lab]) -> Vec<String> {
    let mut files = vec!["Cargo.toml".to_owned(), "src/lib.rs".to_owned()];
    files.extend(labs.iter().map(|l| format!("tests/{}.rs", l.name)));
    files
}

/// Every file the table covers: the protected ones and the starters.
fn covered(labs: &[Lab]) -> Vec<String> {
    let mut files = protected(labs);
    files.extend(labs.iter().map(|l| format!("exercises/{}.rs", l.name)));
    files
}

fn differs(dir: &Path, path: &str) -> bool {
    let actual = std::fs::read(dir.join(path)).ok().map(|b| hash(&b));
    actual.is_none() || actual != expected(path)
}

/// Protected files under `dir` (the labs directory) that differ from the course's.
pub fn modified_tests(dir: &Path, labs: &[Lab]) -> Vec<String> {
    protected(labs)
        .into_iter()
        .filter(|p| differs(dir, p))
        .collect()
}

/// Every covered file that differs from the table, and table entries for files no longer listed.
pub fn drift(dir: &Path, labs: &[Lab]) -> Vec<String> {
    let covered = covered(labs);
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
    let mut files = covered(labs);
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
        for file in protected(&labs) {
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
