//! Cells a spreadsheet would run as a formula, made text (docs/API.md, "What a browser may do with the API").

use std::borrow::Cow;

/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`: spreadsheets
/// show it as text and never run it.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_the_rest_stays() {
        for (cell, written) in [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM"), ("\tx", "'\tx")] {
            assert_eq!(safe_cell(cell), written);
        }
        assert_eq!(safe_cell("user:ada"), "user:ada");
        assert_eq!(safe_cell(""), "");
    }
}
