//! The table of a lesson's labs the book shows, from `labs/info.toml`.

use crate::lab::info::Lab;

/// A Markdown table of `lesson`'s labs among `labs`.
pub fn labs_table(labs: &[Lab], lesson: &str) -> String {
    let labs: Vec<&Lab> = labs.iter().filter(|lab| lab.lesson == lesson).collect();
    if labs.is_empty() {
        return "*No labs for this lesson yet: `cargo xtask lab list` shows them all.*\n"
            .to_owned();
    }
    let mut table = "| lab | section | difficulty | start with |\n|---|---|---|---|\n".to_owned();
    for lab in labs {
        table += &format!(
            "| `{}` | {} | {} | `cargo xtask lab check {}` |\n",
            lab.name, lab.section, lab.difficulty, lab.name
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::info::parse;

    #[test]
    fn a_lessons_labs_make_its_table() {
        let info = r#"# The labs.

[[lab]]
name = "collect"
lesson = "channels"
section = "5.2"
difficulty = "easy"
hint = """
A hint with name = "not this" inside.
lesson = "select"
"""

[[lab]]
name = "first_response"
lesson = "select"
section = "5.5"
hint = """one line"""
difficulty = "medium"
"#;
        let labs = parse(info).unwrap();
        let table = labs_table(&labs, "channels");
        assert!(
            table.ends_with("| `collect` | 5.2 | easy | `cargo xtask lab check collect` |\n"),
            "{table}"
        );
        assert_eq!(table.lines().count(), 3, "{table}");
        assert!(labs_table(&labs, "sync").contains("No labs for this lesson yet"));
        assert!(labs_table(&[], "sync").contains("No labs"));
    }
}
