//! The watch loop's keyboard: keys as they are pressed on a terminal, or a line at a time elsewhere.
//!
//! On a terminal, `stty` turns off line editing and echo (and puts them back on every way out,
//! Ctrl-C included): no terminal crate is needed for four keys and two arrows. Ctrl-C still
//! raises SIGINT, so it works even while a check is running.

use std::io::{IsTerminal, Read};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;

/// A key the loop acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A letter or digit, lowercased.
    Char(char),
    /// Enter on a terminal, or an empty line.
    Enter,
    /// The end of a non-empty line, where keys come a line at a time.
    LineEnd,
    Up,
    Down,
    Escape,
    /// Input ended: nothing more will come.
    End,
}

/// How keys arrive.
pub enum Keyboard {
    /// As they are pressed.
    Keys,
    /// A line at a time, and why.
    Lines(String),
}

/// The terminal's settings before the loop changed them, for [`restore`] (a static, as the
/// Ctrl-C handler needs them too).
static SAVED: Mutex<Option<String>> = Mutex::new(None);

/// Reads keys on a thread of its own and hands each to `deliver`, until it returns false. Keys
/// come as they are pressed when stdin is a terminal `stty` can set, else a line at a time.
pub fn start(deliver: impl Fn(Key) -> bool + Send + 'static) -> Keyboard {
    let keyboard = match raw() {
        Ok(()) => Keyboard::Keys,
        Err(why) => Keyboard::Lines(why),
    };
    let by_key = matches!(keyboard, Keyboard::Keys);
    thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut line = Vec::new();
        let mut buffer = [0u8; 64];
        loop {
            let read = match stdin.read(&mut buffer) {
                Ok(0) | Err(_) => {
                    deliver(Key::End);
                    return;
                }
                Ok(read) => read,
            };
            let keys = if by_key {
                keys(&buffer[..read])
            } else {
                lines(&mut line, &buffer[..read])
            };
            for key in keys {
                if !deliver(key) {
                    return;
                }
            }
        }
    });
    keyboard
}

/// Turns off line editing and echo on the terminal at stdin, keeping what it was for [`restore`].
fn raw() -> Result<(), String> {
    if !std::io::stdin().is_terminal() {
        return Err("input is not a terminal".into());
    }
    let saved = stty(&["-g"])?;
    *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some(saved.trim().to_owned());
    stty(&["-icanon", "-echo", "min", "1", "time", "0"]).inspect_err(|_| restore())?;
    Ok(())
}

/// Puts the terminal back as [`start`] found it (nothing to do when keys came by lines).
pub fn restore() {
    if let Some(saved) = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = stty(&[&saved]);
    }
}

/// The terminal's width in columns, if stdin is one.
pub fn width() -> Option<usize> {
    let size = stty(&["size"]).ok()?;
    size.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `stty` on the terminal at stdin.
fn stty(args: &[&str]) -> Result<String, String> {
    let out = Command::new("stty")
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not run stty: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "stty {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The keys in what one read from a terminal gave (an arrow's escape sequence arrives whole).
fn keys(bytes: &[u8]) -> Vec<Key> {
    let mut keys = Vec::new();
    let mut rest = bytes;
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        let key = match byte {
            b'\r' | b'\n' => Key::Enter,
            0x1b => match rest {
                [b'[' | b'O', b'A', tail @ ..] => {
                    rest = tail;
                    Key::Up
                }
                [b'[' | b'O', b'B', tail @ ..] => {
                    rest = tail;
                    Key::Down
                }
                // Another sequence (another arrow, a function key): skip it whole.
                [b'[' | b'O', tail @ ..] => {
                    let end = tail
                        .iter()
                        .position(|b| (0x40..=0x7e).contains(b))
                        .map_or(tail.len(), |at| at + 1);
                    rest = &tail[end..];
                    continue;
                }
                _ => Key::Escape,
            },
            b if b.is_ascii_alphanumeric() => Key::Char(b.to_ascii_lowercase() as char),
            _ => continue,
        };
        keys.push(key);
    }
    keys
}

/// The keys in the lines that `bytes` completes, keeping a partial line in `line`: an empty line
/// is Enter; a non-empty one is its letters, then [`Key::LineEnd`].
fn lines(line: &mut Vec<u8>, bytes: &[u8]) -> Vec<Key> {
    let mut keys = Vec::new();
    for &byte in bytes {
        if byte != b'\n' {
            line.push(byte);
            continue;
        }
        let text = String::from_utf8_lossy(line).trim().to_lowercase();
        line.clear();
        if text.is_empty() {
            keys.push(Key::Enter);
            continue;
        }
        keys.extend(
            text.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(Key::Char),
        );
        keys.push(Key::LineEnd);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_letters_enter_and_arrows() {
        assert_eq!(
            keys(b"H\rn\x1b[A\x1b[B\x1bOA\x1b[15~q\x1b"),
            [
                Key::Char('h'),
                Key::Enter,
                Key::Char('n'),
                Key::Up,
                Key::Down,
                Key::Up,
                Key::Char('q'),
                Key::Escape
            ]
        );
    }

    #[test]
    fn lines_come_whole_and_an_empty_one_is_enter() {
        let mut line = Vec::new();
        assert_eq!(lines(&mut line, b"1"), []);
        assert_eq!(
            lines(&mut line, b"2\n\n h \n"),
            [
                Key::Char('1'),
                Key::Char('2'),
                Key::LineEnd,
                Key::Enter,
                Key::Char('h'),
                Key::LineEnd
            ]
        );
    }
}
