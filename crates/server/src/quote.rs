//! Go's `%q` for strings (`strconv.Quote`), byte for byte, so `/` echoes paths as the course's program does.
//!
//! Go quotes a string rune by rune: `"` and `\` get a backslash, printable runes stay as they
//! are (non-ASCII included), the usual control characters become `\n`, `\t` and friends, other
//! runes become `\xHH`, `\uHHHH` or `\UHHHHHHHH`, and each byte that is not part of valid UTF-8
//! becomes `\xHH`. What counts as printable is Go's `strconv.IsPrint`, taken from Go itself into
//! a generated table (see `tests/fixtures/go_quote.go`); the tests compare this module with
//! thousands of quotations Go produced.

use crate::printable::PRINTABLE;

// ANCHOR: quote
/// The string Go's `fmt.Sprintf("%q", s)` prints for the bytes `s`.
///
/// ```
/// use chanlab_server::quote::go_quote;
///
/// assert_eq!(go_quote(b"/hello"), r#""/hello""#);
/// assert_eq!(go_quote("/café\n".as_bytes()), r#""/café\n""#); // printable Unicode is kept
/// assert_eq!(go_quote(b"/\xff\x00"), r#""/\xff\x00""#); // bad UTF-8 and controls are escaped
/// assert_eq!(go_quote("\u{a0}".as_bytes()), r#""\u00a0""#); // a space Go deems unprintable
/// ```
pub fn go_quote(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    write_go_quoted(&mut out, s);
    // Every byte pushed is ASCII or copied from a valid UTF-8 sequence of `s`.
    String::from_utf8(out).expect("quoted text is UTF-8")
}

/// Appends Go's `%q` of `s` to `out`, without allocating when `out` has room.
pub fn write_go_quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_char(out, c);
        }
        for byte in chunk.invalid() {
            push_escape(out, b'x', u32::from(*byte), 2);
        }
    }
    out.push(b'"');
}

fn push_char(out: &mut Vec<u8>, c: char) {
    match c {
        '"' | '\\' => out.extend_from_slice(&[b'\\', c as u8]),
        ' '..='~' => out.push(c as u8),
        c if is_print(c) => {
            let mut utf8 = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        }
        '\x07' => out.extend_from_slice(br"\a"),
        '\x08' => out.extend_from_slice(br"\b"),
        '\x0c' => out.extend_from_slice(br"\f"),
        '\n' => out.extend_from_slice(br"\n"),
        '\r' => out.extend_from_slice(br"\r"),
        '\t' => out.extend_from_slice(br"\t"),
        '\x0b' => out.extend_from_slice(br"\v"),
        c if c < ' ' || c == '\x7f' => push_escape(out, b'x', c.into(), 2),
        c if u32::from(c) < 0x10000 => push_escape(out, b'u', c.into(), 4),
        c => push_escape(out, b'U', c.into(), 8),
    }
}

/// `\` then `kind` then `value` in `digits` lowercase hex digits.
fn push_escape(out: &mut Vec<u8>, kind: u8, value: u32, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(&[b'\\', kind]);
    for i in (0..digits).rev() {
        out.push(HEX[(value >> (4 * i) & 0xf) as usize]);
    }
}
// ANCHOR_END: quote

/// Whether Go's `strconv.IsPrint` deems `c` printable: a letter, mark, number, punctuation or
/// symbol, or the ASCII space.
pub fn is_print(c: char) -> bool {
    let c = u32::from(c);
    let after = PRINTABLE.partition_point(|&(first, _)| first <= c);
    after > 0 && c <= PRINTABLE[after - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        assert!(PRINTABLE.windows(2).all(|w| w[0].1 + 1 < w[1].0));
        assert!(PRINTABLE.iter().all(|(first, last)| first <= last));
    }

    #[test]
    fn printable_edges() {
        assert!(is_print(' ') && is_print('~') && is_print('é') && is_print('😀'));
        assert!(!is_print('\x7f') && !is_print('\u{a0}') && !is_print('\u{10ffff}'));
    }
}
