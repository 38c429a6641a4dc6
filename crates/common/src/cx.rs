//! `Cx`: where a step writes, and how fast its clock runs.

use crate::unpoisoned;
use std::fmt::{self, Display};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How fast a step's sleeps run: `1.0` is real time, `0.01` makes a 2 s sleep last 20 ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace(f64);

impl Pace {
    /// Real time.
    pub const REAL: Pace = Pace(1.0);

    /// A pace factor; it must be finite and in `(0, 100]`.
    pub fn new(factor: f64) -> Result<Pace, String> {
        if factor.is_finite() && factor > 0.0 && factor <= 100.0 {
            Ok(Pace(factor))
        } else {
            Err(format!("pace must be a number in (0, 100], not {factor}"))
        }
    }

    /// The factor itself.
    pub fn factor(self) -> f64 {
        self.0
    }

    /// `d` at this pace.
    pub fn scale(self, d: Duration) -> Duration {
        d.mul_f64(self.0)
    }
}

/// A span of a step's time, told truthfully at any pace: as it ran, and at a pace other than 1
/// also what it is at pace 1, as in `0.1s (1s at pace 1)`. At pace 1 it is just `1s`.
///
/// A precision (`{:.1}`) applies to the lesson's figure; the figure as run gets the extra
/// decimals the pace needs to stay readable (`0.10s (1.0s at pace 1)` at pace 0.1). Without one,
/// figures show up to three decimals, trailing zeros dropped.
///
/// ```
/// use chanlab_common::Cx;
/// use std::time::Duration;
///
/// let second = Duration::from_secs(1);
/// assert_eq!(Cx::capture(1.0).secs(second).to_string(), "1s");
/// assert_eq!(Cx::capture(0.1).secs(second).to_string(), "0.1s (1s at pace 1)");
/// assert_eq!(format!("{:.1}", Cx::capture(0.1).secs(second)), "0.10s (1.0s at pace 1)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seconds {
    lesson: Duration,
    pace: Pace,
}

impl Seconds {
    /// The span at pace 1.
    pub fn lesson(self) -> Duration {
        self.lesson
    }

    /// The span as it ran.
    pub fn real(self) -> Duration {
        self.pace.scale(self.lesson)
    }
}

impl Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lesson = self.lesson.as_secs_f64();
        let pace = self.pace.factor();
        if pace == 1.0 {
            return write_secs(f, lesson, f.precision(), 0);
        }
        // Decimals for the figure as run: a tenth of the pace needs one more, and so on.
        let extra = (-pace.log10()).ceil().max(0.0) as usize;
        write_secs(f, lesson * pace, f.precision(), extra)?;
        f.write_str(" (")?;
        write_secs(f, lesson, f.precision(), 0)?;
        f.write_str(" at pace 1)")
    }
}

/// `secs` with `precision + extra` decimals, or up to `3 + extra` without trailing zeros.
fn write_secs(
    f: &mut fmt::Formatter<'_>,
    secs: f64,
    precision: Option<usize>,
    extra: usize,
) -> fmt::Result {
    match precision {
        Some(decimals) => write!(f, "{secs:.*}s", decimals + extra),
        None => {
            let text = format!("{secs:.*}", 3 + extra);
            let text = text.trim_end_matches('0').trim_end_matches('.');
            write!(f, "{text}s")
        }
    }
}

/// One line a step said: when, on which thread, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Time since the step started.
    pub at: Duration,
    /// The saying thread's name, or its id when it has none.
    pub thread: String,
    /// The line.
    pub text: String,
}

/// Everything a step said, in order.
#[derive(Clone, Debug, Default)]
pub struct Transcript {
    /// The lines, in the order they were said.
    pub events: Vec<Event>,
}

impl Transcript {
    /// The text of every line.
    pub fn lines(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.text.as_str()).collect()
    }

    /// The index of the first line that contains `needle`.
    pub fn position(&self, needle: &str) -> Option<usize> {
        self.events.iter().position(|e| e.text.contains(needle))
    }

    /// The first line that contains `needle`.
    pub fn find(&self, needle: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.text.contains(needle))
    }

    /// Whether any line contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.position(needle).is_some()
    }

    /// How many lines contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.events
            .iter()
            .filter(|e| e.text.contains(needle))
            .count()
    }
}

impl Display for Transcript {
    /// One line per event, stamped with its time and thread: readable in a failed assertion.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.events {
            writeln!(f, "{:>9.3?} [{}] {}", e.at, e.thread, e.text)?;
        }
        Ok(())
    }
}

#[derive(Debug)]
enum Sink {
    /// Keep the lines for a test to read.
    Capture,
    /// Print each line to stdout, stamped with the elapsed time when stdout is a terminal.
    Stdout { stamped: bool },
}

#[derive(Debug)]
struct Shared {
    start: Instant,
    pace: Pace,
    sink: Sink,
    events: Mutex<Vec<Event>>,
}

/// A step's context: where it writes, its pace and its arguments.
///
/// `Cx` is cheap to clone and can be shared by reference with scoped threads or cloned into
/// spawned ones; every thread's lines land in the same transcript, in the order they were said.
#[derive(Clone, Debug)]
pub struct Cx {
    shared: Arc<Shared>,
    args: Arc<[String]>,
}

impl Cx {
    /// A context that keeps what the step says, for tests.
    pub fn capture(pace: f64) -> Cx {
        Cx::new(Sink::Capture, pace)
    }

    /// A context that prints to stdout, as the lesson binaries do.
    pub fn stdout(pace: Pace) -> Cx {
        let stamped = std::io::stdout().is_terminal();
        Cx::new(Sink::Stdout { stamped }, pace.factor())
    }

    fn new(sink: Sink, pace: f64) -> Cx {
        let pace = Pace::new(pace).unwrap_or_else(|e| panic!("{e}"));
        let shared = Shared {
            start: Instant::now(),
            pace,
            sink,
            events: Mutex::new(Vec::new()),
        };
        Cx {
            shared: Arc::new(shared),
            args: Arc::new([]),
        }
    }

    /// The same context with command-line arguments for the step.
    pub fn with_args(mut self, args: impl IntoIterator<Item = impl Into<String>>) -> Cx {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// The step's own arguments from the command line (see [`Step::takes`](crate::Step::takes)).
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// Says one line. Lines from different threads never interleave.
    pub fn say(&self, line: impl Display) {
        let thread = thread::current();
        let thread = match thread.name() {
            Some(name) => name.to_owned(),
            None => format!("{:?}", thread.id()),
        };
        let at = self.shared.start.elapsed();
        let text = line.to_string();
        let mut events = unpoisoned(self.shared.events.lock());
        if let Sink::Stdout { stamped } = self.shared.sink {
            let mut stdout = std::io::stdout().lock();
            let written = if stamped {
                writeln!(stdout, "{:>7.3}s  {text}", at.as_secs_f64())
            } else {
                writeln!(stdout, "{text}")
            };
            // Nobody reads any more (`| head`): the lesson ends, quietly.
            if written.is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
                crate::runner::output_closed();
            }
        }
        events.push(Event { at, thread, text });
    }

    /// Sleeps for `d` at the step's pace.
    pub fn sleep(&self, d: Duration) {
        thread::sleep(self.scaled(d));
    }

    /// `d` at the step's pace: use it for timeouts, tickers and deadlines.
    pub fn scaled(&self, d: Duration) -> Duration {
        self.shared.pace.scale(d)
    }

    /// The step's pace.
    pub fn pace(&self) -> Pace {
        self.shared.pace
    }

    /// Real time since the step started.
    pub fn elapsed(&self) -> Duration {
        self.shared.start.elapsed()
    }

    /// `lesson` (a span of the lesson's time, as the code says it: `Duration::from_secs(1)`),
    /// told as it runs at this pace: what a step prints instead of a bare `1s`.
    pub fn secs(&self, lesson: Duration) -> Seconds {
        Seconds {
            lesson,
            pace: self.shared.pace,
        }
    }

    /// A span measured on the real clock, told at this pace.
    pub fn secs_taken(&self, real: Duration) -> Seconds {
        self.secs(self.unscaled(real))
    }

    /// The time since the step started, told at this pace.
    pub fn secs_since_start(&self) -> Seconds {
        self.secs_taken(self.elapsed())
    }

    /// A real duration converted to the lesson's clock (the inverse of [`Cx::scaled`]).
    pub fn unscaled(&self, real: Duration) -> Duration {
        real.div_f64(self.shared.pace.factor())
    }

    /// Everything said so far.
    pub fn transcript(&self) -> Transcript {
        Transcript {
            events: unpoisoned(self.shared.events.lock()).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_rejects_nonsense() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 101.0] {
            assert!(Pace::new(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            Pace::new(0.5).unwrap().scale(Duration::from_secs(2)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn lines_from_threads_are_all_kept_and_labelled() {
        let cx = Cx::capture(1.0);
        thread::scope(|s| {
            for i in 0..4 {
                let cx = &cx;
                thread::Builder::new()
                    .name(format!("worker {i}"))
                    .spawn_scoped(s, move || cx.say(format!("hello from {i}")))
                    .unwrap();
            }
        });
        let t = cx.transcript();
        assert_eq!(t.events.len(), 4);
        for i in 0..4 {
            let e = t.find(&format!("hello from {i}")).unwrap();
            assert_eq!(e.thread, format!("worker {i}"));
        }
    }
}
