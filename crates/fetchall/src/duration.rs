//! Go-style durations on the command line: `500ms`, `2s`, `1m30s`, `1.5h`.

use std::time::Duration;

/// Parses a duration the way Go's `time.ParseDuration` does, for non-negative values: a sequence
/// of decimal numbers, each with a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`).
///
/// ```
/// use chanlab_fetchall::duration::parse_duration;
/// use std::time::Duration;
///
/// assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
/// assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
/// assert!(parse_duration("2").is_err()); // a unit is required, as in Go
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = |why: &str| format!("invalid duration {text:?}: {why}");
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    if text.is_empty() {
        return Err(invalid("empty"));
    }
    let mut rest = text;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        if number.is_empty() || number == "." {
            return Err(invalid("expected a number"));
        }
        let value: f64 = number.parse().map_err(|_| invalid("bad number"))?;
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let seconds = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(invalid("missing unit (ns, us, ms, s, m, h)")),
            _ => return Err(invalid(&format!("unknown unit {unit:?}"))),
        };
        total += value * seconds;
        rest = after;
    }
    Duration::try_from_secs_f64(total).map_err(|_| invalid("out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_examples_parse() {
        let cases = [
            ("0", 0.0),
            ("300ms", 0.3),
            ("2h45m", 9900.0),
            ("1.5h", 5400.0),
            ("10us", 0.00001),
            ("10µs", 0.00001),
            ("100ns", 0.0000001),
            (".5s", 0.5),
        ];
        for (text, secs) in cases {
            let parsed = parse_duration(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                (parsed.as_secs_f64() - secs).abs() < 1e-12,
                "{text}: {parsed:?}"
            );
        }
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        for (text, why) in [
            ("", "empty"),
            ("5", "missing unit"),
            ("-1s", "expected a number"),
            ("1x", "unknown unit"),
            ("s", "expected a number"),
            ("1..2s", "bad number"),
            ("99999999999999999999999h", "out of range"),
        ] {
            let error = parse_duration(text).unwrap_err();
            assert!(error.contains(why), "{text:?}: {error}");
        }
    }
}
