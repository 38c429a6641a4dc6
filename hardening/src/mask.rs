//! Masks for comparing what steps said across runs: timings always differ, and in some steps so
//! do counts that depend on how the threads were scheduled.

/// `line` with every duration (`3.0s`, `750.00ms`, `12.5µs`, `40ns`) replaced by `<t>`.
///
/// A duration is a number written directly before a unit and not inside a word, so `5s` is one
/// and `5 squares` or `ms=5` are not.
///
/// ```
/// use chanlab_hardening::mask::durations;
///
/// assert_eq!(durations("sent 4 after waiting 3.6s"), "sent 4 after waiting <t>");
/// assert_eq!(durations("timed out after 750.0ms; 12.0µs each"), "timed out after <t>; <t> each");
/// assert_eq!(durations("12 squares in 5 steps"), "12 squares in 5 steps");
/// ```
pub fn durations(line: &str) -> String {
    const UNITS: [&str; 5] = ["ns", "µs", "us", "ms", "s"];
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let starts_number = c.is_ascii_digit() && !previous.is_some_and(char::is_alphanumeric);
        if starts_number {
            let number = number_len(rest);
            let after = &rest[number..];
            let unit = UNITS.iter().find(|u| {
                after.starts_with(**u)
                    && !after[u.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric)
            });
            if let Some(unit) = unit {
                out.push_str("<t>");
                rest = &after[unit.len()..];
                previous = unit.chars().last();
                continue;
            }
        }
        out.push(c);
        previous = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `line` with its durations masked as [`durations`] does, then every other number replaced by
/// `#`: what is left is the line's shape.
///
/// ```
/// use chanlab_hardening::mask::numbers;
///
/// assert_eq!(numbers("job 3 in (2 inside) after 1.5s"), "job # in (# inside) after <t>");
/// assert_eq!(numbers("http://127.0.0.1:41331/x"), "http://#.#.#.#:#/x");
/// ```
pub fn numbers(line: &str) -> String {
    let line = durations(line);
    let mut out = String::with_capacity(line.len());
    let mut rest = line.as_str();
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            out.push('#');
            rest = &rest[digits_len(rest)..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The length of the number at the start of `s`: digits, then optionally `.` and more digits.
fn number_len(s: &str) -> usize {
    let whole = digits_len(s);
    let fraction = s[whole..]
        .strip_prefix('.')
        .map_or(0, |after| match digits_len(after) {
            0 => 0,
            n => n + 1,
        });
    whole + fraction
}

fn digits_len(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_form_steps_print() {
        assert_eq!(durations("0.02s elapsed"), "<t> elapsed");
        assert_eq!(durations("in lesson time 2.35s,"), "in lesson time <t>,");
        assert_eq!(durations("5s"), "<t>");
        assert_eq!(durations("a 1.s end"), "a 1.s end"); // no digits after the point
        assert_eq!(durations("http://h/sleep?ms=2"), "http://h/sleep?ms=2");
        assert_eq!(durations("v2s and x5ms"), "v2s and x5ms");
        assert_eq!(durations("5 secs"), "5 secs");
        assert_eq!(durations("got 5² = 25 at 0.5s"), "got 5² = 25 at <t>");
    }

    #[test]
    fn numbers_keep_the_words() {
        assert_eq!(
            numbers("worker 12 finished job 5"),
            "worker # finished job #"
        );
        assert_eq!(numbers("no numbers"), "no numbers");
    }
}
