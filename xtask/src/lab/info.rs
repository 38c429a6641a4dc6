//! `labs/info.toml`: the list of labs. The file uses a small subset of TOML (`[[lab]]` tables of
//! string keys, basic and multi-line strings), read by the parser below so that xtask needs no TOML
//! crate.

/// One lab, as `labs/info.toml` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lab {
    /// The file name, without `.rs`, in `exercises/`, `solutions/` and `tests/`.
    pub name: String,
    /// The chanlab lesson it practises.
    pub lesson: String,
    /// The section of the course chapter.
    pub section: String,
    /// easy, medium or hard.
    pub difficulty: String,
    /// Shown by `lab hint` and when a check fails.
    pub hint: String,
}

const KEYS: [&str; 5] = ["name", "lesson", "section", "difficulty", "hint"];

/// Parses `text`; an error names the line.
pub fn parse(text: &str) -> Result<Vec<Lab>, String> {
    let mut labs: Vec<[Option<String>; 5]> = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, raw)) = lines.next() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[lab]]" {
            labs.push(Default::default());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {number}: expected `[[lab]]` or `key = \"value\"`"))?;
        let key = key.trim();
        let slot = KEYS.iter().position(|k| *k == key).ok_or_else(|| {
            format!(
                "line {number}: unknown key {key:?} (keys: {})",
                KEYS.join(", ")
            )
        })?;
        let lab = labs
            .last_mut()
            .ok_or_else(|| format!("line {number}: {key:?} before the first [[lab]]"))?;
        if lab[slot].is_some() {
            return Err(format!("line {number}: {key:?} given twice"));
        }
        let value = value.trim();
        let text = if let Some(first) = value.strip_prefix("\"\"\"") {
            // A multi-line string: up to the closing `"""`; a newline right after the opening is
            // not part of it, as in TOML.
            let mut body = first.to_owned();
            loop {
                if let Some(end) = body.find("\"\"\"") {
                    if !body[end + 3..].trim().is_empty() {
                        return Err(format!("line {number}: text after the closing \"\"\""));
                    }
                    body.truncate(end);
                    break;
                }
                let (_, next) = lines
                    .next()
                    .ok_or_else(|| format!("line {number}: \"\"\" is never closed"))?;
                body.push('\n');
                body.push_str(next);
            }
            unescape(body.strip_prefix('\n').unwrap_or(&body), number)?
        } else if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            unescape(inner, number)?
        } else {
            return Err(format!(
                "line {number}: the value of {key:?} must be a \"string\""
            ));
        };
        lab[slot] = Some(text);
    }
    let mut parsed: Vec<Lab> = Vec::new();
    for (i, lab) in labs.into_iter().enumerate() {
        let missing: Vec<&str> = KEYS
            .iter()
            .zip(&lab)
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| *k)
            .collect();
        let [
            Some(name),
            Some(lesson),
            Some(section),
            Some(difficulty),
            Some(hint),
        ] = lab
        else {
            return Err(format!("lab #{}: missing {}", i + 1, missing.join(", ")));
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!(
                "lab #{}: name {name:?} must be lowercase letters, digits and _",
                i + 1
            ));
        }
        if parsed.iter().any(|l| l.name == name) {
            return Err(format!("lab {name:?} is listed twice"));
        }
        parsed.push(Lab {
            name,
            lesson,
            section,
            difficulty,
            hint,
        });
    }
    Ok(parsed)
}

/// Resolves the escapes TOML basic strings have that this file may need.
fn unescape(text: &str, line: usize) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            other => {
                return Err(format!(
                    "line {line}: unsupported escape \\{}",
                    other.unwrap_or(' ')
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
# a comment
[[lab]]
name = "ping_pong"
lesson = "channels"
section = "5.3"
difficulty = "easy"
hint = """
Two lines,
with "quotes" and a \\ backslash."""

[[lab]]
name = "merge"
lesson = "patterns"
section = "5.4"
difficulty = "medium"
hint = "one \"line\""
"#;

    #[test]
    fn reads_basic_and_multi_line_strings() {
        let labs = parse(GOOD).unwrap();
        assert_eq!(labs.len(), 2);
        assert_eq!(labs[0].name, "ping_pong");
        assert_eq!(
            labs[0].hint,
            "Two lines,\nwith \"quotes\" and a \\ backslash."
        );
        assert_eq!(labs[1].section, "5.4");
        assert_eq!(labs[1].hint, "one \"line\"");
    }

    #[test]
    fn errors_name_the_line_or_the_lab() {
        let unknown = GOOD.replace("lesson = \"patterns\"", "lessen = \"patterns\"");
        assert!(
            parse(&unknown)
                .unwrap_err()
                .contains("unknown key \"lessen\"")
        );
        let missing = GOOD.replace("difficulty = \"medium\"\n", "");
        assert_eq!(parse(&missing).unwrap_err(), "lab #2: missing difficulty");
        assert!(
            parse("name = \"x\"")
                .unwrap_err()
                .contains("before the first [[lab]]")
        );
        assert!(
            parse("[[lab]]\nhint = \"\"\"\nnever closed")
                .unwrap_err()
                .contains("never closed")
        );
        assert!(
            parse("[[lab]]\nname = bare")
                .unwrap_err()
                .contains("must be a \"string\"")
        );
        let twice = format!(
            "{GOOD}\n[[lab]]\nname = \"merge\"\nlesson = \"x\"\nsection = \"x\"\ndifficulty = \"x\"\nhint = \"x\""
        );
        assert_eq!(parse(&twice).unwrap_err(), "lab \"merge\" is listed twice");
    }
}
