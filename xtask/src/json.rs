//! JSON, as much as xtask needs: strings escaped as JSON requires, for what it writes, and a
//! reader for what cargo writes (`--message-format=json`, one object a line), to find a test
//! binary or a diagnostic by its field names, in any order.
//!
//! Written here rather than taken from serde_json: every `cargo xtask` builds xtask, and serde with
//! serde_json would add their compile time to each cold start, for a line-by-line read.

use std::fmt::Write;

/// `text` as a JSON string: quoted, with `"`, `\` and control characters escaped.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON value. Numbers are kept as the text they were written in: nothing here computes with
/// them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }
}

/// Parses one JSON document; `None` if it is not valid JSON.
pub fn parse(text: &str) -> Option<Value> {
    let mut reader = Reader {
        chars: text.char_indices().peekable(),
    };
    let value = reader.value()?;
    reader.skip_space();
    reader.chars.peek().is_none().then_some(value)
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        while self
            .chars
            .next_if(|(_, c)| c.is_ascii_whitespace())
            .is_some()
        {}
    }

    fn next(&mut self) -> Option<char> {
        self.chars.next().map(|(_, c)| c)
    }

    fn expect(&mut self, word: &str) -> Option<()> {
        word.chars()
            .all(|want| self.next() == Some(want))
            .then_some(())
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_space();
        match self.chars.peek()?.1 {
            '{' => self.object(),
            '[' => self.array(),
            '"' => self.string().map(Value::String),
            't' => self.expect("true").map(|()| Value::Bool(true)),
            'f' => self.expect("false").map(|()| Value::Bool(false)),
            'n' => self.expect("null").map(|()| Value::Null),
            '-' | '0'..='9' => self.number(),
            _ => None,
        }
    }

    fn object(&mut self) -> Option<Value> {
        self.next(); // {
        let mut fields = Vec::new();
        self.skip_space();
        if self.chars.next_if(|(_, c)| *c == '}').is_some() {
            return Some(Value::Object(fields));
        }
        loop {
            self.skip_space();
            let key = self.string()?;
            self.skip_space();
            self.expect(":")?;
            fields.push((key, self.value()?));
            self.skip_space();
            match self.next()? {
                ',' => continue,
                '}' => return Some(Value::Object(fields)),
                _ => return None,
            }
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.next(); // [
        let mut items = Vec::new();
        self.skip_space();
        if self.chars.next_if(|(_, c)| *c == ']').is_some() {
            return Some(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_space();
            match self.next()? {
                ',' => continue,
                ']' => return Some(Value::Array(items)),
                _ => return None,
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
        let mut text = String::new();
        while let Some((_, c)) = self
            .chars
            .next_if(|(_, c)| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
        {
            text.push(c);
        }
        Some(Value::Number(text))
    }

    fn string(&mut self) -> Option<String> {
        if self.next()? != '"' {
            return None;
        }
        let mut text = String::new();
        loop {
            match self.next()? {
                '"' => return Some(text),
                '\\' => match self.next()? {
                    'n' => text.push('\n'),
                    't' => text.push('\t'),
                    'r' => text.push('\r'),
                    'b' => text.push('\u{8}'),
                    'f' => text.push('\u{c}'),
                    'u' => {
                        let unit = self.hex4()?;
                        let code = if (0xd800..0xdc00).contains(&unit) {
                            // A surrogate pair: the second half follows as \uXXXX.
                            self.expect("\\u")?;
                            let low = self.hex4()?;
                            0x10000 + ((unit - 0xd800) << 10) + (low.checked_sub(0xdc00)?)
                        } else {
                            unit
                        };
                        text.push(char::from_u32(code)?);
                    }
                    other => text.push(other), // \" \\ \/
                },
                c => text.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits: String = (0..4).map(|_| self.next()).collect::<Option<_>>()?;
        u32::from_str_radix(&digits, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_they_must() {
        assert_eq!(string("a \"b\" \\ c\n\u{1}"), r#""a \"b\" \\ c\n\u0001""#);
        assert_eq!(string("é\u{7f}"), "\"é\u{7f}\"");
    }

    #[test]
    fn fields_are_found_by_name_in_any_order() {
        let line = r#"{"executable":"/t/ping_pong-1","target":{"name":"ping_pong","kind":["test"]},
                      "reason":"compiler-artifact","fresh":true,"profile":{"opt_level":"0"}}"#;
        let value = parse(line).expect("valid JSON");
        assert_eq!(
            value.get("reason").and_then(Value::as_str),
            Some("compiler-artifact")
        );
        let target = value.get("target").expect("a target");
        assert_eq!(
            target.get("name").and_then(Value::as_str),
            Some("ping_pong")
        );
        assert_eq!(
            target.get("kind").and_then(Value::as_array),
            Some(&[Value::String("test".into())][..])
        );
        assert_eq!(value.get("fresh"), Some(&Value::Bool(true)));
        assert_eq!(value.get("missing"), None);
    }

    #[test]
    fn strings_keep_their_escapes_and_nested_quotes() {
        let value =
            parse(r#"{"a":"C:\\labs\\t \"x\"\u00e9\ud83d\ude00\n","b":[1,-2.5e3,null,[]]}"#)
                .expect("valid JSON");
        assert_eq!(
            value.get("a").and_then(Value::as_str),
            Some("C:\\labs\\t \"x\"é😀\n")
        );
        assert_eq!(
            value.get("b"),
            Some(&Value::Array(vec![
                Value::Number("1".into()),
                Value::Number("-2.5e3".into()),
                Value::Null,
                Value::Array(Vec::new()),
            ]))
        );
    }

    #[test]
    fn what_is_not_json_is_refused() {
        for bad in [
            "",
            "{",
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            "[1 2]",
            r#""open"#,
            "{} {}",
            "Compiling x",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
