//! Patterned serials for non-pharma goods, e.g. `CM500-{YYYY}-{NNNN}` → `CM500-2026-0001`. Sequential numbers
//! are fine there (FMD does not apply); they stay unique because the year is part of the serial, and the
//! counter starts again at 1 each year.

use super::SerialError;
use crate::ids::{is_cset82, Serial};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Year4,
    Year2,
    Counter { width: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialPattern {
    template: String,
    parts: Vec<Part>,
    width: usize,
}

impl SerialPattern {
    pub fn parse(template: &str) -> Result<Self, SerialError> {
        let bad = |detail: &str| SerialError::BadPattern { template: template.to_owned(), detail: detail.to_owned() };
        let mut parts = Vec::new();
        let mut rest = template;
        while !rest.is_empty() {
            if let Some(after_brace) = rest.strip_prefix('{') {
                let (name, after) = after_brace.split_once('}').ok_or_else(|| bad("a '{' has no closing '}'"))?;
                parts.push(match name {
                    "YYYY" => Part::Year4,
                    "YY" => Part::Year2,
                    n if !n.is_empty() && n.bytes().all(|b| b == b'N') => Part::Counter { width: n.len() },
                    _ => return Err(bad("use {YYYY}, {YY} or {N…} (one N per counter digit)")),
                });
                rest = after;
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let literal = &rest[..end];
                if let Some(c) = literal.chars().find(|c| !is_cset82(*c)) {
                    return Err(bad(&format!("'{c}' is not allowed in a serial (GS1 CSET 82)")));
                }
                parts.push(Part::Literal(literal.to_owned()));
                rest = &rest[end..];
            }
        }
        let counters: Vec<usize> = parts
            .iter()
            .filter_map(|part| if let Part::Counter { width } = part { Some(*width) } else { None })
            .collect();
        let width = match counters.as_slice() {
            [width] if *width <= 18 => *width,
            [] => return Err(bad("it needs a counter such as {NNNN}")),
            [_] => return Err(bad("a counter may have at most 18 digits")),
            _ => return Err(bad("it may have only one counter")),
        };
        let pattern = Self { template: template.to_owned(), parts, width };
        let longest = pattern.render_text(9999, 0).chars().count();
        if longest > 20 {
            return Err(bad(&format!("its serials would have {longest} characters; GS1 allows 20")));
        }
        Ok(pattern)
    }

    pub fn template(&self) -> &str {
        &self.template
    }

    /// The largest counter value a year can use.
    pub fn max_per_year(&self) -> u64 {
        10u64.pow(self.width as u32) - 1
    }

    pub fn render(&self, year: i32, counter: u64) -> Result<Serial, SerialError> {
        if !(0..=9999).contains(&year) {
            return Err(SerialError::BadYear { year });
        }
        if counter == 0 || counter > self.max_per_year() {
            return Err(SerialError::YearExhausted { year, width: self.width, max: self.max_per_year() });
        }
        let text = self.render_text(year, counter);
        Ok(Serial::parse(&text).expect("a parsed pattern renders 1–20 CSET 82 characters"))
    }

    /// Whether `text` is a serial this pattern can render: its literals in place, digits where the year and
    /// the counter go (a scanned serial names its product this way).
    pub fn matches(&self, text: &str) -> bool {
        let mut rest = text;
        for part in &self.parts {
            let digits = match part {
                Part::Literal(literal) => {
                    let Some(after) = rest.strip_prefix(literal.as_str()) else { return false };
                    rest = after;
                    continue;
                }
                Part::Year4 => 4,
                Part::Year2 => 2,
                Part::Counter { width } => *width,
            };
            if rest.len() < digits || !rest.as_bytes()[..digits].iter().all(u8::is_ascii_digit) {
                return false;
            }
            rest = &rest[digits..];
        }
        rest.is_empty()
    }

    fn render_text(&self, year: i32, counter: u64) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.clone(),
                Part::Year4 => format!("{year:04}"),
                Part::Year2 => format!("{:02}", year % 100),
                Part::Counter { width } => format!("{counter:0width$}"),
            })
            .collect()
    }
}

/// Where a product's patterned counter stands; it starts again at 1 when the year changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternCounter {
    pub year: i32,
    pub next: u64,
}

impl PatternCounter {
    pub fn new(year: i32) -> Self {
        Self { year, next: 1 }
    }

    /// Issues the next `count` serials of `year`, resetting the counter if the year moved on.
    pub fn issue(&mut self, pattern: &SerialPattern, year: i32, count: u64) -> Result<Vec<Serial>, SerialError> {
        let mut counter = if year == self.year { *self } else { PatternCounter::new(year) };
        let last = counter.next.saturating_add(count).saturating_sub(1);
        if count > 0 && last > pattern.max_per_year() {
            return Err(SerialError::YearExhausted { year, width: pattern.width, max: pattern.max_per_year() });
        }
        let serials =
            (counter.next..counter.next + count).map(|n| pattern.render(year, n)).collect::<Result<_, _>>()?;
        counter.next += count;
        *self = counter;
        Ok(serials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_template_when_rendered_then_year_and_counter_fill_it() {
        let cases = [
            ("CM500-{YYYY}-{NNNN}", 2026, 1, "CM500-2026-0001"),
            ("CM500-{YY}{NNNNNN}", 2027, 42, "CM500-27000042"),
            ("{NNN}", 2026, 999, "999"),
        ];
        for (template, year, counter, expected) in cases {
            let pattern = SerialPattern::parse(template).unwrap();
            assert_eq!(pattern.render(year, counter).unwrap().as_str(), expected);
        }
    }

    #[test]
    fn given_a_template_when_a_serial_is_read_then_only_its_own_shape_matches() {
        let cases = [
            ("CM500-{YYYY}-{NNNN}", "CM500-2026-0001", true),
            ("CM500-{YYYY}-{NNNN}", "CM500-2026-001", false),
            ("CM500-{YYYY}-{NNNN}", "CM500-2026-00011", false),
            ("CM500-{YYYY}-{NNNN}", "CM600-2026-0001", false),
            ("CM500-{YYYY}-{NNNN}", "CM500-20X6-0001", false),
            ("CM500-{YY}{NNNNNN}", "CM500-27000042", true),
            ("{NNN}", "999", true),
            ("{NNN}", "", false),
        ];
        for (template, serial, matches) in cases {
            assert_eq!(SerialPattern::parse(template).unwrap().matches(serial), matches, "{template} {serial}");
        }
    }

    #[test]
    fn bad_templates_are_refused_with_the_reason() {
        for template in ["CM500", "{NN}-{NNN}", "A B{NNN}", "{XYZ}", "{NNN", "ABCDEFGHIJKLMNOP-{YYYY}-{NNNN}"] {
            assert!(matches!(SerialPattern::parse(template), Err(SerialError::BadPattern { .. })), "{template}");
        }
    }

    #[test]
    fn the_counter_starts_again_each_year_and_refuses_overflow() {
        let pattern = SerialPattern::parse("CM500-{YYYY}-{NN}").unwrap();
        let mut counter = PatternCounter::new(2026);
        let first = counter.issue(&pattern, 2026, 98).unwrap();
        assert_eq!(first.last().unwrap().as_str(), "CM500-2026-98");
        assert!(matches!(counter.issue(&pattern, 2026, 2), Err(SerialError::YearExhausted { .. })));
        assert_eq!(counter.next, 99, "a refused request issues nothing");
        let next_year = counter.issue(&pattern, 2027, 1).unwrap();
        assert_eq!(next_year[0].as_str(), "CM500-2027-01");
    }
}
