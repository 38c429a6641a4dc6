//! The command line every lesson binary shares:
//! `<bin> [step] [--pace F] [--timeline] [--list] [--tour] [-- args]`.

use crate::{Cx, Event, Exit, Lesson, Pace, Step, timeline};
use std::process::ExitCode;

/// How wide the chart `--timeline` prints is, in columns.
pub const TIMELINE_WIDTH: usize = 100;

const USAGE: &str = "\
usage: <bin> [<step>] [--pace <factor>] [--timeline] [-- <step arguments>]
       <bin> --list
       <bin> --tour [--pace <factor>] [--timeline]

  <step>            the step to run; without one, the lesson's default (or every step in order)
  --pace <factor>   scale every sleep: 0.1 runs ten times faster (default 1)
  --timeline        after each step, chart which thread said what when, one lane per thread
  --list            list the steps
  --tour            run every step that ends by itself, in order
  -- <args>         pass the rest to the step";

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(lesson, &args) {
        Ok(Command::Help) => {
            println!(
                "{}: {}\n\n{}",
                lesson.name,
                lesson.summary,
                USAGE.replace("<bin>", lesson.name)
            );
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

fn parse(lesson: &Lesson, args: &[String]) -> Result<Command, String> {
    let mut step_name: Option<&str> = None;
    let mut pace = Pace::REAL;
    let mut tour = false;
    let mut timeline = false;
    let mut rest = Vec::new();
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
            "--" => {
                rest.extend(args.by_ref().cloned());
            }
            flag if flag.starts_with("--pace=") => pace = parse_pace(&flag["--pace=".len()..])?,
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!(
                    "unknown option {flag}; options for the step go after `--`\n\n{}",
                    USAGE.replace("<bin>", lesson.name)
                ));
            }
            name if step_name.is_none() => step_name = Some(name),
            extra => rest.push(extra.to_owned()),
        }
    }
    let steps = match (step_name, tour) {
        (Some(_), true) => return Err("--tour runs every step; do not name one".into()),
        (None, true) => lesson.steps.iter().filter(|s| !s.endless).collect(),
        (Some(name), false) => vec![find_step(lesson, name)?],
        (None, false) => match lesson.default {
            Some(name) => vec![find_step(lesson, name)?],
            None => lesson.steps.iter().collect(),
        },
    };
    Ok(Command::Run {
        steps,
        pace,
        args: rest,
        timeline,
    })
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
        Step::new("buffered", "5.3", "queue", noop),
        Step::new("serve", "5.9", "forever", noop).endless(),
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
        assert!(
            parse_args(&["--timeout", "2s"])
                .unwrap_err()
                .contains("after `--`")
        );
        assert!(parse_args(&["--tour", "buffered"]).is_err());
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
