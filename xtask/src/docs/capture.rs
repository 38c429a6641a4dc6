//! What the book shows but does not hold: captures of the steps' output and GIFs, and the lab
//! tables, made into `src/generated/` when the book is built.

use super::failed;
use super::labs::labs_table;
use crate::cargo::cargo;
use crate::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Where captured step output lives, inside the book's `src/`.
pub const GENERATED: &str = "generated";

/// How the file name of a capture ends when the step runs with `--timeline`.
const TIMELINE_SUFFIX: &str = ".timeline";

/// The directory under `generated/` that holds the lessons' lab tables.
const LABS: &str = "labs";

/// What a page includes from `generated/`, made when the book is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capture {
    /// `<lesson>/<step>[.timeline].txt`: what the step prints, with `--timeline` or without.
    Step {
        lesson: String,
        step: String,
        timeline: bool,
    },
    /// `<lesson>/<step>.gif`: the GIF the step writes into the temporary directory.
    Gif { lesson: String, step: String },
    /// `labs/<lesson>.md`: the lesson's labs, as a Markdown table.
    Labs { lesson: String },
}

impl Capture {
    /// The capture a path under `generated/` names.
    pub fn parse(path: &Path) -> std::result::Result<Capture, String> {
        let bad = || {
            format!(
                "{GENERATED}/{} is not <lesson>/<step>.txt, <lesson>/<step>{TIMELINE_SUFFIX}.txt, \
                 <lesson>/<step>.gif or {LABS}/<lesson>.md",
                path.display()
            )
        };
        let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
        let [dir, file] = parts[..] else {
            return Err(bad());
        };
        if dir == LABS {
            let lesson = file.strip_suffix(".md").ok_or_else(bad)?;
            return Ok(Capture::Labs {
                lesson: lesson.to_owned(),
            });
        }
        if let Some(step) = file.strip_suffix(".gif") {
            return Ok(Capture::Gif {
                lesson: dir.to_owned(),
                step: step.to_owned(),
            });
        }
        let stem = file.strip_suffix(".txt").ok_or_else(bad)?;
        let (step, timeline) = match stem.strip_suffix(TIMELINE_SUFFIX) {
            Some(step) => (step, true),
            None => (stem, false),
        };
        Ok(Capture::Step {
            lesson: dir.to_owned(),
            step: step.to_owned(),
            timeline,
        })
    }

    /// The lesson it is about.
    pub fn lesson(&self) -> &str {
        match self {
            Capture::Step { lesson, .. }
            | Capture::Gif { lesson, .. }
            | Capture::Labs { lesson } => lesson,
        }
    }

    /// The step it comes from, if it comes from a step.
    pub fn step(&self) -> Option<&str> {
        match self {
            Capture::Step { step, .. } | Capture::Gif { step, .. } => Some(step),
            Capture::Labs { .. } => None,
        }
    }

    /// Where the capture is written, relative to the book's `src/`.
    pub fn file(&self) -> PathBuf {
        match self {
            Capture::Step {
                lesson,
                step,
                timeline,
            } => {
                let suffix = if *timeline { TIMELINE_SUFFIX } else { "" };
                Path::new(GENERATED)
                    .join(lesson)
                    .join(format!("{step}{suffix}.txt"))
            }
            Capture::Gif { lesson, step } => Path::new(GENERATED)
                .join(lesson)
                .join(format!("{step}.gif")),
            Capture::Labs { lesson } => {
                Path::new(GENERATED).join(LABS).join(format!("{lesson}.md"))
            }
        }
    }

    /// Makes the capture and writes it into the book.
    pub fn generate(&self, book: &Path) -> Result {
        let bytes = match self {
            Capture::Step {
                lesson,
                step,
                timeline,
            } => step_output(lesson, step, *timeline)?.into_bytes(),
            Capture::Gif { lesson, step } => step_gif(lesson, step)?,
            Capture::Labs { lesson } => labs_table(&crate::lab::load()?, lesson).into_bytes(),
        };
        let path = book.join("src").join(self.file());
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
        }
        fs::write(&path, bytes).map_err(|e| failed(&path, e))
    }
}

/// Runs a step as a reader would (`cargo xtask run <lesson> <step>`, at real pace) and returns
/// what it printed.
fn step_output(lesson: &str, step: &str, timeline: bool) -> Result<String> {
    let flag = if timeline { " --timeline" } else { "" };
    eprintln!("capturing {lesson} {step}{flag}");
    let mut command = cargo(["run", "--quiet", "--package"]);
    command.arg(format!("chanlab-{lesson}")).args(["--", step]);
    if timeline {
        command.arg("--timeline");
    }
    let output = command
        .output()
        .map_err(|e| Error::Failed(format!("could not run cargo: {e}")))?;
    if !output.status.success() {
        return Err(Error::Failed(format!(
            "{lesson} {step}{flag} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs a step with a temporary directory of its own and returns the one GIF it wrote there.
fn step_gif(lesson: &str, step: &str) -> Result<Vec<u8>> {
    eprintln!("capturing the GIF of {lesson} {step}");
    let dir = std::env::temp_dir().join(format!(
        "chanlab-docs-{}-{lesson}-{step}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| failed(&dir, e))?;
    let mut command = cargo(["run", "--quiet", "--package"]);
    command.arg(format!("chanlab-{lesson}")).args(["--", step]);
    // Where `std::env::temp_dir` looks, on Unix and on Windows.
    for var in ["TMPDIR", "TMP", "TEMP"] {
        command.env(var, &dir);
    }
    let output = command.output();
    let gifs: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "gif"))
                .collect()
        })
        .unwrap_or_default();
    let gif = match gifs.as_slice() {
        [gif] => fs::read(gif).map_err(|e| failed(gif, e)),
        _ => Err(Error::Failed(format!(
            "{lesson} {step} wrote {} GIF(s) into its temporary directory, not one",
            gifs.len()
        ))),
    };
    let _ = fs::remove_dir_all(&dir);
    let output = output.map_err(|e| Error::Failed(format!("could not run cargo: {e}")))?;
    if !output.status.success() {
        return Err(Error::Failed(format!(
            "{lesson} {step} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    gif
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_are_named_by_lesson_and_step() {
        for (path, capture) in [
            (
                "select/basic.timeline.txt",
                Capture::Step {
                    lesson: "select".into(),
                    step: "basic".into(),
                    timeline: true,
                },
            ),
            (
                "channels/goroutines.txt",
                Capture::Step {
                    lesson: "channels".into(),
                    step: "goroutines".into(),
                    timeline: false,
                },
            ),
            (
                "server/lissajous.gif",
                Capture::Gif {
                    lesson: "server".into(),
                    step: "lissajous".into(),
                },
            ),
            (
                "labs/select.md",
                Capture::Labs {
                    lesson: "select".into(),
                },
            ),
        ] {
            assert_eq!(Capture::parse(Path::new(path)), Ok(capture.clone()));
            assert_eq!(capture.file(), Path::new("generated").join(path));
        }
        for bad in [
            "basic.txt",
            "select/basic.md",
            "labs/select.txt",
            "labs/select.gif",
            "a/b/c.txt",
        ] {
            assert!(Capture::parse(Path::new(bad)).is_err(), "{bad}");
        }
    }
}
