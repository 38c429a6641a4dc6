//! The bench report: medians, the text table and its JSON twin (written by hand: xtask keeps
//! its dependencies to none).

use crate::json;
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// Whether the Go column could be filled.
#[derive(Clone, Debug, PartialEq)]
pub enum GoStatus {
    /// `go` runs: its version, such as `go1.19.8`.
    Found(String),
    /// No `go` on the PATH.
    Missing,
    /// `--no-go`.
    Disabled,
}

/// One implementation of one case, with every run's figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub case: &'static str,
    /// What one operation is.
    pub op: &'static str,
    /// Operations per round, for workload cases.
    pub ops: Option<u64>,
    /// Rounds per run, for workload cases.
    pub rounds: Option<usize>,
    /// The Rust implementation: `crossbeam`, `chanlab WorkerPool`...
    pub implementation: String,
    /// Nanoseconds per operation, one figure per round of every run.
    pub rust: Vec<f64>,
    /// Go's nanoseconds per operation for the case, one per round of every run; empty without
    /// Go.
    pub go: Vec<f64>,
}

impl Row {
    /// A row with no figures yet.
    pub fn new(
        case: &'static str,
        op: &'static str,
        ops_and_rounds: Option<(u64, usize)>,
        implementation: String,
    ) -> Row {
        Row {
            case,
            op,
            ops: ops_and_rounds.map(|(ops, _)| ops),
            rounds: ops_and_rounds.map(|(_, rounds)| rounds),
            implementation,
            rust: Vec::new(),
            go: Vec::new(),
        }
    }

    fn rust_median(&self) -> Option<f64> {
        median(&self.rust)
    }

    fn go_median(&self) -> Option<f64> {
        median(&self.go)
    }

    /// Rust's median over Go's: above 1, Go is faster.
    fn ratio(&self) -> Option<f64> {
        Some(self.rust_median()? / self.go_median()?)
    }
}

/// How widely `values` spread around their median: half their interquartile range, as a
/// fraction of the median. A change of the median much larger than this stands out from the
/// noise. `None` for fewer than 3 values.
pub fn spread(values: &[f64]) -> Option<f64> {
    if values.len() < 3 {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Quartiles by linear interpolation between the closest ranks.
    let quantile = |q: f64| {
        let at = q * (sorted.len() - 1) as f64;
        let (low, high) = (at.floor() as usize, at.ceil() as usize);
        sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
    };
    let median = quantile(0.5);
    (median > 0.0).then(|| (quantile(0.75) - quantile(0.25)) / 2.0 / median)
}

/// A spread for the table: `±3%`, or `-` when there are too few figures.
fn plus_minus(spread: Option<f64>) -> String {
    spread.map_or(DASH.into(), |s| format!("±{:.0}%", s * 100.0))
}

/// Everything one `cargo xtask bench` measured, and where.
#[derive(Debug)]
pub struct Report {
    pub command: String,
    /// When it ran, `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
    /// The commit measured (`+` when the work tree had changes), if git knows.
    pub commit: Option<String>,
    pub runs: usize,
    pub quick: bool,
    /// chanlab-bench was built without optimisations (`--debug`): the figures mean nothing.
    pub debug: bool,
    pub go: GoStatus,
    pub cores: usize,
    /// `/proc/loadavg`'s three figures at the start: the bench's own threads raise it later.
    pub load: Option<String>,
    /// The share of the CPU time that other processes used while the cases ran.
    pub others_busy: Option<f64>,
    /// Wall-clock time of the whole command, builds included.
    pub seconds: f64,
    pub rows: Vec<Row>,
    /// Cases not run, and why.
    pub skipped: Vec<(&'static str, String)>,
}

/// The middle value (the mean of the middle two for an even count); `None` for no values.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[mid]),
        _ => Some((sorted[mid - 1] + sorted[mid]) / 2.0),
    }
}

/// Nanoseconds for the table: two decimals below 100, one below 10,000, then whole with
/// thousands separated.
fn ns(value: f64) -> String {
    if value < 100.0 {
        format!("{value:.2}")
    } else if value < 10_000.0 {
        format!("{value:.1}")
    } else {
        let digits = format!("{value:.0}");
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        grouped
    }
}

const DASH: &str = "-";

impl Report {
    /// The text table, with what one operation is in each case and what was left out.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let go = match &self.go {
            GoStatus::Found(version) => version.as_str(),
            _ => "no Go",
        };
        let _ = writeln!(
            out,
            "{} | {} | commit {} | {go} | {} cores",
            self.command,
            self.date,
            self.commit.as_deref().unwrap_or("unknown"),
            self.cores
        );
        if self.debug {
            let _ = writeln!(
                out,
                "DEBUG BUILD (--debug): chanlab-bench is unoptimised, its figures mean nothing"
            );
        }
        let _ = writeln!(
            out,
            "nanoseconds per operation (lower is better): the median of every round of {} \
             run{} per language;\n± is half the interquartile range of those figures; rust/go \
             above 1 means Go is faster",
            self.runs,
            if self.runs == 1 { "" } else { "s" }
        );
        let _ = writeln!(
            out,
            "load average at the start (1, 5, 15 min): {}; other processes used {} of the CPU \
             time while the cases ran\n",
            self.load.as_deref().unwrap_or("unknown"),
            self.others_busy
                .map_or("an unknown share".into(), |f| format!("{:.0}%", f * 100.0))
        );
        let header = [
            "case",
            "rust implementation",
            "rust ns/op",
            "±",
            "go ns/op",
            "±",
            "rust/go",
        ];
        let mut lines: Vec<[String; 7]> = vec![header.map(str::to_owned)];
        for (i, row) in self.rows.iter().enumerate() {
            let first = i == 0 || self.rows[i - 1].case != row.case;
            lines.push([
                if first { row.case } else { "" }.to_owned(),
                row.implementation.clone(),
                row.rust_median().map_or(DASH.into(), ns),
                plus_minus(spread(&row.rust)),
                row.go_median().map_or(DASH.into(), ns),
                plus_minus(spread(&row.go)),
                row.ratio().map_or(DASH.into(), |r| format!("{r:.2}")),
            ]);
        }
        let widths: Vec<usize> = (0..7)
            .map(|c| {
                lines
                    .iter()
                    .map(|l| l[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for line in &lines {
            // The first two columns to the left, the figures to the right.
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, &w))| {
                    if c < 2 {
                        format!("{cell:<w$}")
                    } else {
                        format!("{cell:>w$}")
                    }
                })
                .collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        }
        let _ = writeln!(out, "\none operation is:");
        let mut cases: Vec<(&str, &str)> = self.rows.iter().map(|r| (r.case, r.op)).collect();
        cases.dedup();
        for (case, op) in cases {
            let _ = writeln!(out, "  {case:<w$}  {op}", w = widths[0]);
        }
        for (case, why) in &self.skipped {
            let _ = writeln!(out, "skipped {case}: {why}");
        }
        match &self.go {
            GoStatus::Found(_) => {}
            GoStatus::Missing => {
                let _ = writeln!(
                    out,
                    "no Go column: go is not on the PATH; `apt-get install -y golang-go` \
                     (Go 1.19 or later) fills it"
                );
            }
            GoStatus::Disabled => {
                let _ = writeln!(out, "no Go column: --no-go");
            }
        }
        let _ = writeln!(out, "took {:.0} s, builds included", self.seconds);
        out
    }

    /// The same report as a JSON object, every run's figures included.
    pub fn json(&self) -> String {
        let go = match &self.go {
            GoStatus::Found(version) => json::string(version),
            _ => "null".into(),
        };
        let mut out = String::from("{\n");
        let fields = [
            ("command", json::string(&self.command)),
            ("date", json::string(&self.date)),
            (
                "commit",
                self.commit.as_deref().map_or("null".into(), json::string),
            ),
            ("runs", self.runs.to_string()),
            ("quick", self.quick.to_string()),
            ("debug", self.debug.to_string()),
            ("go", go),
            ("cores", self.cores.to_string()),
            (
                "load",
                self.load.as_deref().map_or("null".into(), json::string),
            ),
            ("others_busy", number(self.others_busy)),
            ("seconds", number(Some(self.seconds))),
        ];
        for (name, value) in fields {
            let _ = writeln!(out, "  {}: {value},", json::string(name));
        }
        out.push_str("  \"rows\": [");
        for (i, row) in self.rows.iter().enumerate() {
            let _ = write!(
                out,
                "{}\n    {{\"case\": {}, \"implementation\": {}, \"op\": {}, \"ops\": {}, \
                 \"rounds\": {}, \"rust_ns_per_op\": {}, \"rust_spread\": {}, \
                 \"go_ns_per_op\": {}, \"go_spread\": {}, \"rust_over_go\": {}, \
                 \"rust_rounds\": {}, \"go_rounds\": {}}}",
                if i == 0 { "" } else { "," },
                json::string(row.case),
                json::string(&row.implementation),
                json::string(row.op),
                row.ops.map_or("null".into(), |n| n.to_string()),
                row.rounds.map_or("null".into(), |n| n.to_string()),
                number(row.rust_median()),
                number(spread(&row.rust)),
                number(row.go_median()),
                number(spread(&row.go)),
                number(row.ratio()),
                array(&row.rust),
                array(&row.go),
            );
        }
        out.push_str(if self.rows.is_empty() {
            "],\n"
        } else {
            "\n  ],\n"
        });
        out.push_str("  \"skipped\": [");
        for (i, (case, why)) in self.skipped.iter().enumerate() {
            let _ = write!(
                out,
                "{}{{\"case\": {}, \"why\": {}}}",
                if i == 0 { "" } else { ", " },
                json::string(case),
                json::string(why)
            );
        }
        out.push_str("]\n}\n");
        out
    }
}

/// A JSON number with three decimals, or `null` for none (JSON has no NaN or infinity).
fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.3}"),
        _ => "null".into(),
    }
}

fn array(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| number(Some(*v))).collect();
    format!("[{}]", items.join(", "))
}

/// Now, in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(secs)
}

/// `secs` after the Unix epoch as a UTC date and time (the proleptic Gregorian calendar, by
/// Howard Hinnant's days-to-civil algorithm).
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_or_the_mean_of_the_middle_two() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 100.0]), Some(3.5));
    }

    #[test]
    fn nanoseconds_read_well_at_every_scale() {
        assert_eq!(ns(13.737), "13.74");
        assert_eq!(ns(4388.33), "4388.3");
        assert_eq!(ns(52105.8), "52,106");
        assert_eq!(ns(19_890_524.7), "19,890,525");
        assert_eq!(ns(100_000.0), "100,000");
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_767_225_599), "2025-12-31T23:59:59Z");
    }

    #[test]
    fn json_numbers_and_arrays() {
        assert_eq!(number(Some(f64::NAN)), "null");
        assert_eq!(array(&[1.0, 2.5]), "[1.000, 2.500]");
    }

    fn report(go: GoStatus) -> Report {
        let row = |case, op, implementation: &str, rust: &[f64], go: &[f64]| Row {
            rust: rust.to_vec(),
            go: go.to_vec(),
            ..Row::new(case, op, Some((100, 3)), implementation.into())
        };
        let go_runs = [50.0, 40.0, 60.0];
        let channel = row(
            "spsc-cap1",
            "one value",
            "crossbeam",
            &[300.0, 100.0, 200.0],
            &go_runs,
        );
        let std = row("spsc-cap1", "one value", "std mpsc", &[80.0], &go_runs);
        let lone = row("mutex", "one lock", "parking_lot::Mutex", &[20.0], &[]);
        Report {
            command: "cargo xtask bench".into(),
            date: "2025-01-02T03:04:05Z".into(),
            commit: Some("abc1234".into()),
            runs: 3,
            quick: true,
            debug: false,
            go,
            cores: 2,
            load: Some("0.10 0.20 0.30".into()),
            others_busy: None,
            seconds: 12.0,
            rows: vec![channel, std, lone],
            skipped: vec![("server-root", "wrk is not installed".into())],
        }
    }

    #[test]
    fn the_table_has_a_line_per_row_with_medians_and_ratios() {
        let table = report(GoStatus::Found("go1.19.8".into())).table();
        let line = |start: &str| {
            table
                .lines()
                .find(|l| l.starts_with(start))
                .unwrap_or_else(|| panic!("no line starting {start:?} in\n{table}"))
                .split_whitespace()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            line("spsc-cap1"),
            [
                "spsc-cap1",
                "crossbeam",
                "200.0",
                "±25%",
                "50.00",
                "±10%",
                "4.00"
            ]
        );
        assert_eq!(
            line("   "),
            ["std", "mpsc", "80.00", "-", "50.00", "±10%", "1.60"]
        );
        assert_eq!(
            line("mutex"),
            ["mutex", "parking_lot::Mutex", "20.00", "-", "-", "-", "-"]
        );
        assert!(table.contains("median of every round of 3 runs"), "{table}");
        assert!(!table.contains("DEBUG"), "{table}");
        assert!(
            table.contains("skipped server-root: wrk is not installed"),
            "{table}"
        );
        assert!(!table.contains("golang-go"), "{table}");
    }

    #[test]
    fn the_spread_is_half_the_interquartile_range_over_the_median() {
        assert_eq!(spread(&[1.0, 2.0]), None);
        assert_eq!(spread(&[300.0, 100.0, 200.0]), Some(0.25));
        // 1..=9: quartiles 3 and 7 around 5; one wild figure hardly moves it.
        let figures: Vec<f64> = (1..=9).map(f64::from).collect();
        assert_eq!(spread(&figures), Some(0.4));
        let mut wild = figures.clone();
        wild[8] = 1e9;
        assert_eq!(spread(&wild), Some(0.4));
        assert_eq!(plus_minus(Some(0.034)), "±3%");
        assert_eq!(plus_minus(None), "-");
    }

    #[test]
    fn a_debug_build_says_its_figures_mean_nothing() {
        let debug = Report {
            debug: true,
            ..report(GoStatus::Disabled)
        };
        assert!(debug.table().contains("DEBUG BUILD"), "{}", debug.table());
        assert!(debug.json().contains("\"debug\": true"), "{}", debug.json());
    }

    #[test]
    fn without_go_the_table_says_how_to_get_it() {
        let table = report(GoStatus::Missing).table();
        assert!(table.contains("apt-get install -y golang-go"), "{table}");
        assert!(report(GoStatus::Disabled).table().contains("--no-go"));
    }

    #[test]
    fn the_json_has_every_row_and_run() {
        let json = report(GoStatus::Found("go1.19.8".into())).json();
        assert!(
            json.starts_with("{\n  \"command\": \"cargo xtask bench\",\n"),
            "{json}"
        );
        assert!(json.contains("\"go\": \"go1.19.8\""), "{json}");
        assert!(json.contains("\"load\": \"0.10 0.20 0.30\""), "{json}");
        assert!(json.contains("\"others_busy\": null"), "{json}");
        assert!(
            json.contains(
                "{\"case\": \"spsc-cap1\", \"implementation\": \"crossbeam\", \"op\": \"one value\", \
                 \"ops\": 100, \"rounds\": 3, \"rust_ns_per_op\": 200.000, \"rust_spread\": 0.250, \
                 \"go_ns_per_op\": 50.000, \"go_spread\": 0.100, \"rust_over_go\": 4.000, \
                 \"rust_rounds\": [300.000, 100.000, 200.000], \
                 \"go_rounds\": [50.000, 40.000, 60.000]}"
            ),
            "{json}"
        );
        assert!(json.contains("\"rust_over_go\": null"), "{json}");
        assert!(
            json.contains(
                "\"skipped\": [{\"case\": \"server-root\", \"why\": \"wrk is not installed\"}]"
            ),
            "{json}"
        );
        assert_eq!(json.matches('{').count(), json.matches('}').count());
        assert_eq!(json.matches('[').count(), json.matches(']').count());
    }
}
