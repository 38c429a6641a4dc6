//! The command line every lesson binary shares:
//! `<bin> [step] [--pace F] [--timeline] [--list] [--tour] [step arguments]`.
//!
//! A step's own arguments follow it, or follow the binary when the lesson has a default step
//! (`fetchall URL...`, `server --addr 127.0.0.1:9000`); `--` ends the runner's options, for an
//! argument that would otherwise read as one of them.

use crate::{Cx, Event, Exit, Lesson, Pace, Step, timeline};
use std::process::ExitCode;

/// How wide the chart `--timeline` prints is, in columns.
pub const TIMELINE_WIDTH: usize = 100;

const USAGE: &str = "\
usage: <bin> [<step>] [--pace <factor>] [--timeline] [<step arguments>]
       <bin> --list
       <bin> --tour [--pace <factor>] [--timeline]

  <step>            the step to run; without one, the lesson's default (or every step in order)
  --pace <factor>   scale every sleep: 0.1 runs ten times faster (default 1)
  --timeline        after each step, chart which thread said what when, one lane per thread
  --list            list the steps
  --tour            run every step that ends by itself, in order
  -- <args>         pass the rest to the step as they are, even words like --pace";

/// What the command line asked for.
#[derive(Debug)]
enum Command {
    Help,
    List,
    Run {
        steps: Vec<&'static Step>,
        pace: Pace,
        args: Vec<String>,
        timeline: bool,
    },
}

/// Runs a lesson binary: parses the command line, runs the chosen steps, and maps the outcome to
/// an exit status (0 success, 1 a step failed, 2 bad usage).
pub fn main(lesson: &Lesson) -> ExitCode {
    exit_quietly_when_output_closes();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(lesson, &args) {
        Ok(Command::Help) => {
            println!("{}", help(lesson));
            ExitCode::SUCCESS
        }
        Ok(Command::List) => {
            print!("{}", list(lesson));
            ExitCode::SUCCESS
        }
        Ok(Command::Run {
            steps,
            pace,
            args,
            timeline,
        }) => run(&steps, pace, &args, timeline),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Makes a closed standard output or error (a reader such as `| head` that has had enough) end the
/// program quietly, as it ends C's and Go's programs, instead of with a panic. Rust ignores
/// SIGPIPE, so a write to a closed pipe fails, and `println!` panics with "failed printing to
/// stdout". Every lesson binary's [`main`] does this; xtask does it too.
pub fn exit_quietly_when_output_closes() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied());
        match message {
            Some(m) if m.starts_with("failed printing to std") => output_closed(),
            _ => report(info),
        }
    }));
}

/// Ends the program because nobody reads its output any more. The status is 0, as the reader
/// stopped by choice; under `cargo run` any other status would add an error message.
pub(crate) fn output_closed() -> ! {
    std::process::exit(0)
}

/// The lesson, the usage, and the arguments of the steps that take some.
fn help(lesson: &Lesson) -> String {
    format!(
        "{}: {}\n\n{}{}",
        lesson.name,
        lesson.summary,
        USAGE.replace("<bin>", lesson.name),
        step_arguments(lesson)
    )
}

/// The steps that take arguments, with them (the default step's name in brackets, since it may
/// be left out); empty when no step takes any.
fn step_arguments(lesson: &Lesson) -> String {
    let mut out = String::new();
    for step in lesson.steps {
        let Some(takes) = step.takes else { continue };
        if out.is_empty() {
            out += "\n\nstep arguments:";
        }
        let name = if lesson.default == Some(step.name) {
            format!("[{}]", step.name)
        } else {
            step.name.to_owned()
        };
        out += &format!("\n  {} {name} {takes}", lesson.name);
    }
    out
}

/// The lesson and its steps, one per line: name, course section and summary, aligned.
pub fn list(lesson: &Lesson) -> String {
    let width = lesson.steps.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut out = format!("{}: {}\n", lesson.name, lesson.summary);
    for step in lesson.steps {
        let mark = if Some(step.name) == lesson.default {
            " (default)"
        } else {
            ""
        };
        out += &format!(
            "  {:width$}  {:>4}  {}{mark}\n",
            step.name, step.section, step.summary
        );
    }
    out
}

fn run(steps: &[&Step], pace: Pace, args: &[String], timeline: bool) -> ExitCode {
    let many = steps.len() > 1;
    for (i, step) in steps.iter().enumerate() {
        if many {
            let gap = if i == 0 { "" } else { "\n" };
            println!(
                "{gap}== {} ({}): {} ==",
                step.name, step.section, step.summary
            );
        }
        let cx = Cx::stdout(pace).with_args(args.iter().cloned());
        let outcome = (step.run)(&cx);
        if timeline {
            // Also after a failure: the chart shows who was waiting for whom.
            println!("\n{}", timeline_chart(&cx));
        }
        if let Err(error) = outcome {
            return match error.downcast_ref::<Exit>() {
                Some(exit) => {
                    if !exit.message.is_empty() {
                        eprintln!("error: {}", exit.message);
                    }
                    ExitCode::from(exit.code)
                }
                None => {
                    eprintln!("error in step {}: {error:#}", step.name);
                    ExitCode::FAILURE
                }
            };
        }
    }
    ExitCode::SUCCESS
}

/// What `cx` recorded, charted on the lesson's clock so that it reads the same at any pace.
fn timeline_chart(cx: &Cx) -> String {
    let events: Vec<Event> = cx
        .transcript()
        .events
        .into_iter()
        .map(|e| Event {
            at: cx.unscaled(e.at),
            ..e
        })
        .collect();
    let mut chart = timeline::render(&events, TIMELINE_WIDTH);
    if cx.pace() != Pace::REAL {
        chart += &format!(
            "(times are on the lesson's clock: real time divided by the pace, {})\n",
            cx.pace().factor()
        );
    }
    chart
}

/// Reads the command line. The runner's options are recognised anywhere before `--`; every other
/// word is the step's name (the first, when it names a step) or the step's argument.
fn parse(lesson: &Lesson, args: &[String]) -> Result<Command, String> {
    let mut pace = Pace::REAL;
    let mut tour = false;
    let mut timeline = false;
    // Words that are not the runner's, in order, and whatever follows `--`.
    let mut words: Vec<&String> = Vec::new();
    let mut after_dashes: Vec<String> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--list" => return Ok(Command::List),
            "--tour" => tour = true,
            "--timeline" => timeline = true,
            "--pace" => {
                let value = args
                    .next()
                    .ok_or("--pace needs a value, such as --pace 0.1")?;
                pace = parse_pace(value)?;
            }
            "--" => after_dashes.extend(args.by_ref().cloned()),
            flag if flag.starts_with("--pace=") => pace = parse_pace(&flag["--pace=".len()..])?,
            _ => words.push(arg),
        }
    }
    let named = match words.first() {
        Some(first) if !first.starts_with('-') => match lesson.step(first) {
            Some(step) => Some(step),
            // Not a step: the default step's first argument, unless it looks like a misspelt step.
            None => match lesson.default.and_then(|d| lesson.step(d)) {
                Some(default) if default.takes.is_some() && !looks_like_a_step(lesson, first) => {
                    None
                }
                _ => return Err(find_step(lesson, first).unwrap_err()),
            },
        },
        _ => None,
    };
    let step_args: Vec<String> = words
        .into_iter()
        .skip(usize::from(named.is_some()))
        .cloned()
        .chain(after_dashes)
        .collect();
    let steps = match (named, tour) {
        (Some(_), true) => return Err("--tour runs every step; do not name one".into()),
        (None, true) => lesson.steps.iter().filter(|s| !s.endless).collect(),
        (Some(step), false) => vec![step],
        (None, false) => match lesson.default {
            Some(name) => vec![find_step(lesson, name)?],
            None => lesson.steps.iter().collect(),
        },
    };
    if let Some(first) = step_args.first() {
        let refusal = match steps[..] {
            [step] if step.takes.is_some() => None,
            [step] if first.starts_with('-') => Some(format!(
                "unknown option {first}: step {} takes no arguments",
                step.name
            )),
            [step] => Some(format!(
                "step {} takes no arguments, not {first:?}",
                step.name
            )),
            _ if first.starts_with('-') => Some(format!(
                "unknown option {first}; a step's own options follow its name (`{} <step> {first}`)",
                lesson.name
            )),
            _ => Some(format!(
                "{first:?}: arguments go to one step; name it (`{} <step> {first}`)",
                lesson.name
            )),
        };
        if let Some(refusal) = refusal {
            return Err(format!(
                "{refusal}{}\n(`{} --help` for the usage)",
                step_arguments(lesson),
                lesson.name
            ));
        }
    }
    Ok(Command::Run {
        steps,
        pace,
        args: step_args,
        timeline,
    })
}

/// Whether `word` is near enough to a step's name to be a slip in typing it.
fn looks_like_a_step(lesson: &Lesson, word: &str) -> bool {
    let names: Vec<&str> = lesson.steps.iter().map(|s| s.name).collect();
    closest(word, &names).is_some()
}

fn parse_pace(value: &str) -> Result<Pace, String> {
    let factor: f64 = value
        .parse()
        .map_err(|_| format!("--pace takes a number such as 0.1, not {value:?}"))?;
    Pace::new(factor)
}

fn find_step(lesson: &Lesson, name: &str) -> Result<&'static Step, String> {
    lesson.step(name).ok_or_else(|| {
        let names: Vec<&str> = lesson.steps.iter().map(|s| s.name).collect();
        unknown("step", name, &format!("lesson {}", lesson.name), &names)
    })
}

/// The message for a name that is not one of `valid`: it lists them and suggests the closest.
///
/// ```
/// let msg = chanlab_common::runner::unknown("lesson", "chanels", "chanlab", &["channels", "select"]);
/// assert_eq!(msg, "no lesson \"chanels\" in chanlab; did you mean \"channels\"?\nlessons: channels, select");
/// ```
pub fn unknown(what: &str, name: &str, place: &str, valid: &[&str]) -> String {
    let hint = match closest(name, valid) {
        Some(best) => format!("; did you mean {best:?}?"),
        None => String::new(),
    };
    format!(
        "no {what} {name:?} in {place}{hint}\n{what}s: {}",
        valid.join(", ")
    )
}

/// The candidate nearest to `word` by edit distance, when it is near enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut prefixed = candidates
        .iter()
        .filter(|c| word.len() >= 2 && c.starts_with(word));
    if let (Some(only), None) = (prefixed.next(), prefixed.next()) {
        return Some(only);
    }
    let (best, distance) = candidates
        .iter()
        .map(|c| (*c, edit_distance(word, c)))
        .min_by_key(|(_, distance)| *distance)?;
    // One typo in four letters, two in seven: near enough to be a slip, not a different word.
    (distance <= (word.chars().count() / 3).max(1)).then_some(best)
}

/// Edit distance over chars, counting a swap of two neighbours as one edit (`tset` is one slip
/// from `test`): the optimal-string-alignment form of Damerau–Levenshtein.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // Rows i-2, i-1 and i of the table of distances between prefixes of `a` and `b`.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            current[j] = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop(_: &Cx) -> anyhow::Result<()> {
        Ok(())
    }

    const STEPS: &[Step] = &[
        Step::new("unbuffered", "5.3", "rendezvous", noop),
        Step::new("buffered", "5.3", "queue", noop).takes("[N]"),
        Step::new("serve", "5.9", "forever", noop)
            .endless()
            .takes("[--addr HOST:PORT]"),
    ];
    const LESSON: Lesson = Lesson {
        name: "demo",
        summary: "demo",
        steps: STEPS,
        default: None,
    };

    fn parse_args(args: &[&str]) -> Result<Command, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&LESSON, &args)
    }

    fn names(command: Command) -> Vec<&'static str> {
        match command {
            Command::Run { steps, .. } => steps.iter().map(|s| s.name).collect(),
            other => panic!("not a run: {other:?}"),
        }
    }

    #[test]
    fn no_step_runs_all_and_tour_skips_endless() {
        assert_eq!(
            names(parse_args(&[]).unwrap()),
            ["unbuffered", "buffered", "serve"]
        );
        assert_eq!(
            names(parse_args(&["--tour"]).unwrap()),
            ["unbuffered", "buffered"]
        );
        let with_default = Lesson {
            default: Some("serve"),
            ..LESSON
        };
        let parsed = parse(&with_default, &[]).unwrap();
        assert_eq!(names(parsed), ["serve"]);
    }

    #[test]
    fn pace_and_args_are_parsed() {
        let parsed = parse_args(&["buffered", "--pace", "0.5", "--", "--x", "y"]).unwrap();
        let Command::Run {
            steps,
            pace,
            args,
            timeline,
        } = parsed
        else {
            panic!()
        };
        assert_eq!(steps[0].name, "buffered");
        assert_eq!(pace, Pace::new(0.5).unwrap());
        assert_eq!(args, ["--x", "y"]);
        assert!(!timeline);
        assert!(parse_args(&["--pace=2"]).is_ok());
    }

    #[test]
    fn timeline_is_a_flag_before_the_step_arguments() {
        let parsed = parse_args(&["--timeline", "buffered", "--", "--timeline"]).unwrap();
        let Command::Run { timeline, args, .. } = parsed else {
            panic!()
        };
        assert!(timeline);
        assert_eq!(args, ["--timeline"], "after `--` it belongs to the step");
        let Command::Run { timeline, .. } = parse_args(&["--tour", "--timeline"]).unwrap() else {
            panic!()
        };
        assert!(timeline);
    }

    #[test]
    fn the_chart_reads_in_lesson_time() {
        let cx = Cx::capture(0.01);
        cx.sleep(std::time::Duration::from_secs(1)); // 10 ms real
        cx.say("one lesson second later");
        let chart = timeline_chart(&cx);
        let legend = chart
            .lines()
            .find(|l| l.contains("one lesson second later"))
            .expect("the line is in the legend");
        let secs: f64 = legend
            .split_whitespace()
            .nth(1)
            .unwrap()
            .trim_end_matches('s')
            .parse()
            .unwrap();
        assert!(
            secs >= 1.0,
            "the chart must show lesson time, not real time:\n{chart}"
        );
        assert!(chart.contains("divided by the pace, 0.01"), "{chart}");
    }

    #[test]
    fn bad_usage_is_explained() {
        let err = parse_args(&["bufered"]).unwrap_err();
        assert!(err.contains("did you mean \"buffered\""), "{err}");
        assert!(err.contains("steps: unbuffered, buffered, serve"), "{err}");
        assert!(
            parse_args(&["--pace", "fast"])
                .unwrap_err()
                .contains("--pace takes a number")
        );
        assert!(
            parse_args(&["--pace", "0"])
                .unwrap_err()
                .contains("(0, 100]")
        );
        assert!(
            parse_args(&["--pace"])
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(parse_args(&["--tour", "buffered"]).is_err());
    }

    /// The arguments `parse` hands the one step it runs, and that step's name.
    fn step_and_args(
        lesson: &Lesson,
        args: &[&str],
    ) -> Result<(&'static str, Vec<String>), String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(lesson, &args)? {
            Command::Run { steps, args, .. } if steps.len() == 1 => Ok((steps[0].name, args)),
            other => panic!("not a run of one step: {other:?}"),
        }
    }

    #[test]
    fn a_steps_arguments_need_no_dashes() {
        let server = Lesson {
            default: Some("serve"),
            ..LESSON
        };
        // The default step takes what follows the binary: `server --addr ...`, `fetchall URL`.
        assert_eq!(
            step_and_args(&server, &["--addr", "127.0.0.1:9000"]),
            Ok(("serve", vec!["--addr".into(), "127.0.0.1:9000".into()]))
        );
        assert_eq!(
            step_and_args(&server, &["http://x/", "--pace", "0.5"]),
            Ok(("serve", vec!["http://x/".into()]))
        );
        // A named step takes what follows it; `--` still works, and protects runner words.
        assert_eq!(
            step_and_args(&server, &["buffered", "7"]),
            Ok(("buffered", vec!["7".into()]))
        );
        assert_eq!(
            step_and_args(&server, &["buffered", "--", "--pace"]),
            Ok(("buffered", vec!["--pace".into()]))
        );
        assert_eq!(
            step_and_args(&server, &["--", "--addr", "x"]),
            Ok(("serve", vec!["--addr".into(), "x".into()]))
        );
        // A slip in a step's name is not taken for an argument.
        let err = step_and_args(&server, &["bufered"]).unwrap_err();
        assert!(err.contains("did you mean \"buffered\""), "{err}");
    }

    #[test]
    fn arguments_for_a_step_that_takes_none_are_refused() {
        let err = parse_args(&["unbuffered", "7"]).unwrap_err();
        assert!(err.contains("step unbuffered takes no arguments"), "{err}");
        let err = parse_args(&["unbuffered", "--timeout", "2s"]).unwrap_err();
        assert!(err.contains("unknown option --timeout"), "{err}");
        let err = parse_args(&["--timeout", "2s"]).unwrap_err();
        assert!(err.contains("unknown option --timeout"), "{err}");
        let err = parse_args(&["--tour", "--", "2s"]).unwrap_err();
        assert!(err.contains("arguments go to one step"), "{err}");
        assert!(
            err.contains("\n  demo buffered [N]\n"),
            "the help lists what steps take: {err}"
        );
    }

    #[test]
    fn suggestions_are_close_or_absent() {
        assert_eq!(closest("selct", &["select", "sync"]), Some("select"));
        assert_eq!(closest("pat", &["patterns", "sync"]), Some("patterns"));
        assert_eq!(closest("zzzzzzzz", &["select", "sync"]), None);
        assert_eq!(
            closest("nope", &["done", "close"]),
            None,
            "two slips in four letters"
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("tset", "test"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("tset", &["test", "list"]), Some("test"));
    }

    #[test]
    fn list_marks_the_default() {
        let text = list(&Lesson {
            default: Some("serve"),
            ..LESSON
        });
        assert!(text.contains("unbuffered   5.3  rendezvous\n"), "{text}");
        assert!(text.contains("forever (default)"), "{text}");
    }
}
