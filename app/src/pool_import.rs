//! Reading a file of serials on the device before anything is sent: every line is checked with the shared
//! `Serial::parse`, repeats are caught, and every bad line is listed (line number, value, why) — so a user fixes
//! the whole file in one go, and the server is only asked to import a list it will take whole.

use serde::Deserialize;
use serialtrack_shared::ids::Serial;
use std::collections::HashMap;

/// The most serials one import call takes (the server's limit per call).
pub const MAX_SERIALS_PER_IMPORT: usize = 1_000_000;

/// How the file's lines are read: a CSV file's serial is its first column (further columns are the brand
/// owner's extra parameters, which the app never shows); a text file's serial is the whole line — GS1 CSET 82
/// allows commas in serials, so a text file is never split on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Text,
}

impl FileKind {
    /// From the file's name: `.csv` is CSV, anything else is one serial per line.
    pub fn from_name(name: &str) -> FileKind {
        if name.to_ascii_lowercase().ends_with(".csv") {
            FileKind::Csv
        } else {
            FileKind::Text
        }
    }
}

/// One refused item of a list taken whole: a line of a file as the device or the server found it (the server's
/// `errors` have this shape), or a serial the server would not release.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ItemProblem {
    /// 1-based, counting the header line if there is one; none for a serial named by the server alone.
    #[serde(default)]
    pub line: Option<usize>,
    #[serde(default, alias = "serial")]
    pub value: String,
    pub problem: String,
}

impl ItemProblem {
    fn at_line(line: usize, value: String, problem: String) -> Self {
        Self { line: Some(line), value, problem }
    }
}

/// The serials of a file, or every bad line in it. Blank lines are skipped; a first line that reads `serial`
/// is a header.
pub fn read_serials(text: &str, kind: FileKind) -> Result<Vec<Serial>, Vec<ItemProblem>> {
    let mut serials = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let value = match kind {
            FileKind::Csv => first_csv_field(raw),
            FileKind::Text => raw.trim().to_owned(),
        };
        if value.is_empty() || (line == 1 && value.eq_ignore_ascii_case("serial")) {
            continue;
        }
        match Serial::parse(&value) {
            Err(error) => problems.push(ItemProblem::at_line(line, value, error.to_string())),
            Ok(serial) => match first_line_of.get(&value) {
                Some(first) => {
                    problems.push(ItemProblem::at_line(line, value, format!("repeats the serial of line {first}")))
                }
                None => {
                    first_line_of.insert(value, line);
                    serials.push(serial);
                }
            },
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if serials.is_empty() {
        let problem = "the file holds no serials: choose a file with one serial per line".to_owned();
        return Err(vec![ItemProblem { line: None, value: String::new(), problem }]);
    }
    if serials.len() > MAX_SERIALS_PER_IMPORT {
        let problem = format!(
            "the file holds {} serials; one import takes at most 1,000,000: split the file",
            group_thousands(serials.len() as u64)
        );
        return Err(vec![ItemProblem { line: None, value: String::new(), problem }]);
    }
    Ok(serials)
}

/// The first field of a CSV line, trimmed; a quoted field (`"A,1"`, with `""` for a quote) is unquoted.
fn first_csv_field(line: &str) -> String {
    let line = line.trim();
    let Some(quoted) = line.strip_prefix('"') else {
        return line.split(',').next().unwrap_or_default().trim().to_owned();
    };
    let mut field = String::new();
    let mut chars = quoted.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => break,
            other => field.push(other),
        }
    }
    field
}

/// `1234567` → `1,234,567`: counts in the app's sentences (the server's are written by the same function).
pub use serialtrack_shared::words::thousands as group_thousands;

/// The sentence above a list of bad lines (of a file or of a pasted list).
pub fn problems_heading(count: usize) -> String {
    match count {
        1 => "1 line is not a valid serial: fix it, then try again. Nothing was sent.".to_owned(),
        n => format!(
            "{} lines are not valid serials: fix them, then try again. Nothing was sent.",
            group_thousands(n as u64)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serials(text: &str, kind: FileKind) -> Vec<String> {
        read_serials(text, kind).unwrap().iter().map(|serial| serial.as_str().to_owned()).collect()
    }

    fn problems(text: &str, kind: FileKind) -> Vec<(usize, String, String)> {
        read_serials(text, kind)
            .unwrap_err()
            .into_iter()
            .map(|problem| (problem.line.unwrap_or(0), problem.value, problem.problem))
            .collect()
    }

    #[test]
    fn a_text_file_gives_one_serial_per_line_skipping_blank_lines_and_a_header() {
        let given = "serial\r\nA1\n\n  B2  \nC,3\n";
        assert_eq!(serials(given, FileKind::Text), ["A1", "B2", "C,3"]);
    }

    #[test]
    fn a_csv_file_gives_the_first_column_unquoting_it() {
        let given = "Serial,batch\nA1,x\n\"B,2\",y\n\"C\"\"3\"\n";
        assert_eq!(serials(given, FileKind::Csv), ["A1", "B,2", "C\"3"]);
    }

    #[test]
    fn every_bad_line_is_listed_with_its_number_value_and_reason() {
        let given = "GOOD1\nBAD SERIAL\nGOOD2\nTHIS-SERIAL-IS-FAR-TOO-LONG\nGOOD1\né\n";
        let found = problems(given, FileKind::Text);
        let lines: Vec<(usize, &str)> = found.iter().map(|(line, value, _)| (*line, value.as_str())).collect();
        assert_eq!(lines, [(2, "BAD SERIAL"), (4, "THIS-SERIAL-IS-FAR-TOO-LONG"), (5, "GOOD1"), (6, "é")]);
        assert!(found[0].2.contains("CSET 82"), "{}", found[0].2);
        assert!(found[1].2.contains("at most 20 characters"), "{}", found[1].2);
        assert_eq!(found[2].2, "repeats the serial of line 1");
    }

    #[test]
    fn a_file_without_serials_is_refused_saying_so() {
        let found = problems("serial\n\n", FileKind::Text);
        assert_eq!(found.len(), 1);
        assert!(found[0].2.contains("holds no serials"), "{}", found[0].2);
    }

    #[test]
    fn the_file_kind_follows_the_name() {
        assert_eq!(FileKind::from_name("serials.CSV"), FileKind::Csv);
        assert_eq!(FileKind::from_name("serials.txt"), FileKind::Text);
        assert_eq!(FileKind::from_name("serials"), FileKind::Text);
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(500_000), "500,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn the_heading_counts_the_bad_lines() {
        assert!(problems_heading(1).starts_with("1 line is not a valid serial"));
        assert!(problems_heading(1200).starts_with("1,200 lines are not valid serials"));
    }
}
