//! Timelines: what a step said, drawn as an ASCII swimlane chart, one lane per thread.
//!
//! The runner prints one after a step run with `--timeline`. Time flows left to right; each line
//! a thread said is a marker in that thread's lane, at the moment it was said, and the legend
//! under the chart gives every marker's exact time and text. A lane is drawn with `-` from the
//! thread's first line to its last, the stretch in which it is known to be alive. Lines said so
//! close together that they share a cell are set side by side (up to [`SPILL`] cells to the
//! right); where even that is not enough, a `*` says "more here, see the legend".
//!
//! ```
//! use chanlab_common::timeline;
//! use chanlab_common::Event;
//! use std::time::Duration;
//!
//! let said = |ms, thread: &str, text: &str| Event {
//!     at: Duration::from_millis(ms),
//!     thread: thread.into(),
//!     text: text.into(),
//! };
//! let chart = timeline::render(
//!     &[
//!         said(0, "sender", "sending"),
//!         said(1000, "main", "ready"),
//!         said(1000, "sender", "sent"),
//!     ],
//!     60,
//! );
//! assert!(chart.contains("main   |"));
//! assert!(chart.contains("sender |1---"));
//! assert!(chart.lines().all(|line| line.chars().count() <= 60));
//! ```

use crate::Event;
use std::fmt::Write;
use std::time::Duration;

/// The lane of the thread that runs the step: always drawn first.
const MAIN: &str = "main";

/// Marker labels, one per event in order; events past the last share [`OVERFLOW`].
const LABELS: &[u8] = b"123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The marker of every event after the 61st.
const OVERFLOW: char = '#';

/// What a cell holding more markers than fit around it shows.
const CROWDED: char = '*';

/// How many cells to the right a marker may move when its own cell is taken. The chart keeps
/// this many spare columns after the last instant, so the final markers always have room.
pub const SPILL: usize = 2;

/// Lane names longer than this are cut, so the chart keeps its width.
const MAX_NAME: usize = 16;

/// Draws `events` as a swimlane chart no wider than `width` columns (at least 60), followed by a
/// legend with one line per event.
///
/// Lanes are the threads, `main` first and the others in the order they first spoke. Markers that
/// would land on the same cell of a lane are set side by side; the legend keeps exact times.
pub fn render(events: &[Event], width: usize) -> String {
    if events.is_empty() {
        return "timeline: nothing was said\n".to_owned();
    }
    let width = width.max(60);
    let lanes = lanes(events);
    let name_width = lanes
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_NAME);
    // `<name> |<chart>|`, at least 41 columns of chart since names are cut to 16.
    let chart_width = width - name_width - 3;
    // Instants map onto the first `time_width` columns; the rest is room to spill into.
    let time_width = chart_width - SPILL;
    let end = events.iter().map(|e| e.at).max().unwrap_or_default();
    let at_column = |at: Duration| column(at, end, time_width);

    let header = format!(
        "timeline: {} {}, {} {} in {}; one column = {}",
        lanes.len(),
        plural(lanes.len(), "thread"),
        events.len(),
        plural(events.len(), "line"),
        seconds(end),
        short_duration(end / (time_width as u32 - 1)),
    );
    let mut out = cut(&header, width);
    out.push('\n');
    let (labels, ruler) = axis(end, time_width, chart_width);
    // Both line up with the lanes' cells, which start after `<name> |`.
    let indent = " ".repeat(name_width + 2);
    let _ = writeln!(out, "{indent}{}", labels.trim_end());
    let _ = writeln!(out, "{indent}{ruler}");

    let markers: Vec<char> = (0..events.len()).map(label).collect();
    for lane in &lanes {
        let mut cells = vec![' '; chart_width];
        let mut taken = vec![false; chart_width];
        let mine: Vec<(usize, &Event)> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.thread == *lane)
            .collect();
        // Lines from different threads may be recorded a hair out of time order: take the span.
        let columns = mine.iter().map(|(_, e)| at_column(e.at));
        if let (Some(first), Some(last)) = (columns.clone().min(), columns.max()) {
            cells[first..=last].fill('-');
        }
        for (index, event) in mine {
            let wanted = at_column(event.at);
            // A thread's lines come in order, so a later line moves right of an earlier one.
            let window = wanted..=wanted + SPILL;
            match window.clone().find(|&c| !taken[c]) {
                Some(c) => {
                    cells[c] = markers[index];
                    taken[c] = true;
                }
                None => cells[*window.end()] = CROWDED,
            }
        }
        let chart: String = cells.into_iter().collect();
        let _ = writeln!(out, "{:<name_width$} |{chart}|", cut(lane, name_width));
    }

    out.push('\n');
    for (event, marker) in events.iter().zip(&markers) {
        let head = format!(
            "{marker:>3} {:>8}  {:<name_width$}  ",
            seconds(event.at),
            cut(&event.thread, name_width)
        );
        let room = width.saturating_sub(head.chars().count());
        let _ = writeln!(out, "{head}{}", cut(&event.text, room));
    }
    out
}

/// The column of instant `at` on a time axis of `time_width` columns ending at `end`.
fn column(at: Duration, end: Duration, time_width: usize) -> usize {
    if end.is_zero() {
        0
    } else {
        let fraction = at.as_secs_f64() / end.as_secs_f64();
        (fraction * (time_width - 1) as f64).round() as usize
    }
}

/// The threads that spoke: `main` first, then in order of their first line.
fn lanes(events: &[Event]) -> Vec<&str> {
    let mut lanes: Vec<&str> = Vec::new();
    if events.iter().any(|e| e.thread == MAIN) {
        lanes.push(MAIN);
    }
    for e in events {
        if !lanes.contains(&e.thread.as_str()) {
            lanes.push(&e.thread);
        }
    }
    lanes
}

/// The marker of the `index`th event.
fn label(index: usize) -> char {
    LABELS.get(index).map_or(OVERFLOW, |&b| char::from(b))
}

/// The tick labels and the ruler under them, for a chart `chart_width` columns wide whose first
/// `time_width` columns run from 0 to `end`: a tick every round interval (1, 2 or 5 times a power
/// of ten), about ten columns apart so the labels fit.
fn axis(end: Duration, time_width: usize, chart_width: usize) -> (String, String) {
    let mut ruler = vec!['-'; chart_width];
    // One column wider than the lanes' cells: a label may reach over the closing bar.
    let mut labels = vec![' '; chart_width + 1];
    let end_secs = end.as_secs_f64();
    if end_secs > 0.0 {
        let step = tick_step(end_secs, time_width / 10);
        let mut tick = 0.0;
        let mut next_free = 0;
        while tick <= end_secs * (1.0 + 1e-9) {
            let col = column(Duration::from_secs_f64(tick), end, time_width);
            let text = tick_label(tick, step);
            // Centre the label on its tick (within the line), unless it would overlap the last.
            let start = col
                .saturating_sub(text.len() / 2)
                .min(labels.len() - text.len());
            if start >= next_free {
                ruler[col] = '+';
                for (i, ch) in text.chars().enumerate() {
                    labels[start + i] = ch;
                }
                next_free = start + text.len() + 1;
            }
            tick += step;
        }
    }
    (labels.into_iter().collect(), ruler.into_iter().collect())
}

/// The smallest round interval (1, 2 or 5 times a power of ten) that puts at most `max_ticks`
/// intervals in `span` seconds.
fn tick_step(span: f64, max_ticks: usize) -> f64 {
    let rough = span / max_ticks.max(1) as f64;
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// A tick's label, with as many decimals as the interval between ticks needs.
fn tick_label(secs: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{secs:.decimals$}s")
}

/// A time as the legend prints it: seconds with millisecond precision.
fn seconds(d: Duration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

/// A short duration for the header: `25ms`, `1.2ms`, `800µs`.
fn short_duration(d: Duration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros >= 10_000.0 {
        format!("{:.0}ms", micros / 1000.0)
    } else if micros >= 1000.0 {
        format!("{:.1}ms", micros / 1000.0)
    } else {
        format!("{micros:.0}µs")
    }
}

/// `text` cut to `max` characters, ending in `~` when something was cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
        kept.push('~');
        kept
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(ms: u64, thread: &str, text: &str) -> Event {
        Event {
            at: Duration::from_millis(ms),
            thread: thread.into(),
            text: text.into(),
        }
    }

    /// The lane row of `thread` in `chart`, between the bars.
    fn lane<'a>(chart: &'a str, thread: &str) -> &'a str {
        let row = chart
            .lines()
            .find(|l| l.starts_with(thread) && l.contains(" |"))
            .unwrap_or_else(|| panic!("no lane {thread} in:\n{chart}"));
        let inner = &row[row.find('|').unwrap() + 1..];
        &inner[..inner.rfind('|').unwrap()]
    }

    /// The select basic step: two producers, main receives at 1 s and 2 s.
    fn select_basic() -> Vec<Event> {
        vec![
            said(0, "ch1 sender", "sending in 2s"),
            said(0, "ch2 sender", "sending in 1s"),
            said(1000, "ch2 sender", "sending \"message from ch2\""),
            said(1001, "main", "Received: message from ch2"),
            said(2000, "ch1 sender", "sending \"message from ch1\""),
            said(2001, "main", "Received: message from ch1"),
            said(2002, "main", "both received in 2.0s"),
        ]
    }

    #[test]
    fn main_comes_first_then_threads_in_order_of_appearance() {
        let chart = render(&select_basic(), 100);
        let rows: Vec<&str> = chart
            .lines()
            .filter(|l| l.contains(" |"))
            .map(|l| l.split(" |").next().unwrap().trim_end())
            .collect();
        assert_eq!(rows, ["main", "ch1 sender", "ch2 sender"], "{chart}");
    }

    #[test]
    fn markers_sit_at_their_times() {
        let chart = render(&select_basic(), 100);
        let ch2 = lane(&chart, "ch2 sender");
        let time_width = ch2.chars().count() - SPILL;
        // First line at the start, second in the middle of the time axis (1 s of 2 s).
        assert_eq!(ch2.find('2'), Some(0), "{chart}");
        let middle = ch2.find('3').expect("marker 3");
        assert!(middle.abs_diff((time_width - 1) / 2) <= 1, "{chart}");
        // Between its two lines the thread is alive: a dashed lane; after them, nothing.
        assert!(ch2[1..middle].chars().all(|c| c == '-'), "{chart}");
        assert!(ch2[middle + 1..].trim().is_empty(), "{chart}");
        // Main's three lines: 1 s, then two at 2 s set side by side at the end.
        let main = lane(&chart, "main");
        assert!(main.find('4').unwrap().abs_diff(middle) <= 1, "{chart}");
        assert_eq!(main.find('6'), Some(time_width - 1), "{chart}");
        assert!(main.ends_with("67 "), "{chart}");
    }

    #[test]
    fn every_line_fits_the_width() {
        let mut events = select_basic();
        events.push(said(
            1500,
            "a thread with a very long name indeed",
            &"a long line ".repeat(20),
        ));
        for width in [60, 80, 100, 140] {
            let chart = render(&events, width);
            for line in chart.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{} columns > {width}: {line:?}",
                    line.chars().count()
                );
            }
            assert!(chart.contains("a thread with a~ |"), "{chart}");
        }
    }

    #[test]
    fn the_legend_lists_every_line_with_its_time_and_thread() {
        let chart = render(&select_basic(), 100);
        assert!(
            chart.contains("  4   1.001s  main        Received: message from ch2\n"),
            "{chart}"
        );
        assert!(
            chart.starts_with("timeline: 3 threads, 7 lines in 2.002s; one column = "),
            "{chart}"
        );
    }

    #[test]
    fn the_axis_has_round_ticks() {
        let chart = render(&select_basic(), 100);
        let labels = chart.lines().nth(1).unwrap();
        for tick in ["0.0s", "0.5s", "1.0s", "1.5s", "2.0s"] {
            assert!(labels.contains(tick), "{tick} missing: {chart}");
        }
        assert_eq!(tick_step(2.0, 8), 0.5);
        assert_eq!(tick_step(10.0, 8), 2.0);
        assert_eq!(tick_step(0.03, 8), 0.005);
    }

    #[test]
    fn crowded_cells_and_many_events_stay_readable() {
        // 70 lines at the same instant: markers spill two cells, then crowd; labels run out.
        let events: Vec<Event> = (0..70).map(|i| said(0, "main", &format!("{i}"))).collect();
        let chart = render(&events, 100);
        assert!(lane(&chart, "main").starts_with("12* "), "{chart}");
        assert!(chart.contains("\n  #   0.000s  main  69\n"), "{chart}");
        assert!(chart.contains("70 lines in 0.000s"), "{chart}");
    }

    #[test]
    fn nothing_said_is_said_so() {
        assert_eq!(render(&[], 100), "timeline: nothing was said\n");
    }
}
