//! The items of a list refused whole (an import, a release), kept within bounds: whatever the size of the
//! input, an answer lists the first [`MAX_LISTED`] items and counts the rest, and each listed value is cut to
//! [`MAX_VALUE_CHARS`] characters. A 20 MB file of bad lines costs the same memory and answer as a short one.

use serde::Serialize;

/// The most refused items one answer lists; the count of all of them is always given.
pub const MAX_LISTED: usize = 1_000;
/// The most characters of a refused value an answer repeats.
pub const MAX_VALUE_CHARS: usize = 100;

/// One refused item of a list: where it is, what it is, what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ItemError {
    /// 1-based: the line of an uploaded file, or the position in a JSON list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The item as sent, cut to 100 characters (with "…" when cut).
    pub value: String,
    pub problem: String,
}

/// Refused items as they are found: the first [`MAX_LISTED`] kept, all counted.
#[derive(Debug, Default)]
pub struct ItemErrors {
    listed: Vec<ItemError>,
    total: usize,
}

impl ItemErrors {
    pub fn push(&mut self, line: Option<usize>, value: &str, problem: impl Into<String>) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(ItemError { line, value: shortened(value), problem: problem.into() });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many items were refused, listed or not.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The listed items and the count of all.
    pub fn into_parts(self) -> (Vec<ItemError>, usize) {
        (self.listed, self.total)
    }
}

fn shortened(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// "12 of the serials", or, past the listed ones, "12,345 of the serials (the first 1,000 are listed)".
pub fn counted(total: usize, what: &str) -> String {
    let count = super::words::thousands(total as u64);
    if total > MAX_LISTED {
        format!("{count} of {what} (the first {} are listed in `errors`)", super::words::thousands(MAX_LISTED as u64))
    } else {
        format!("{count} of {what} (each is listed in `errors`)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_bad_items_keeps_the_first_ones_and_counts_all() {
        let mut errors = ItemErrors::default();
        for line in 1..=50_000 {
            errors.push(Some(line), &"x".repeat(10_000), "bad");
        }
        let (listed, total) = errors.into_parts();
        assert_eq!((listed.len(), total), (MAX_LISTED, 50_000));
        assert_eq!(listed[0].value.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(listed[0].value.ends_with('…'));
    }

    #[test]
    fn a_short_value_is_kept_as_it_is_and_the_count_reads_in_words() {
        assert_eq!(shortened("A1"), "A1");
        assert_eq!(counted(2, "the serials"), "2 of the serials (each is listed in `errors`)");
        assert_eq!(counted(12_345, "the serials"), "12,345 of the serials (the first 1,000 are listed in `errors`)");
    }
}
