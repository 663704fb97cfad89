//! What the scan box shows for what was typed or scanned: the elements with their meaning, or the error in words.

use crate::lookup_key::{read_code, trimmed, Code, PatternedProduct};
use serialtrack_shared::gs1;

/// One parsed element, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementRow {
    pub ai: String,
    pub title: String,
    pub value: String,
}

/// The scan box's verdict on its current input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanView {
    /// Nothing typed yet.
    Empty,
    Parsed {
        rows: Vec<ElementRow>,
        bracketed: String,
    },
    /// A serial alone that these products' pattern fits ("CM-500 · Coffee machine").
    PatternedSerial {
        serial: String,
        products: Vec<String>,
    },
    Invalid {
        /// The whole sentence ("Not a valid code (at character 3): …").
        message: String,
        marked: Option<(String, String, String)>,
    },
}

/// The keyboard-friendly stand-ins a scanner may be set to send for GS (ASCII 29).
pub const SEPARATOR_CHOICES: [(&str, Option<char>); 4] =
    [("GS (ASCII 29) only", None), ("| (pipe)", Some('|')), ("~ (tilde)", Some('~')), ("^ (caret)", Some('^'))];

/// Reads `input` with [`read_code`], the function the unit lookup reads it with, so the two always agree.
pub fn scan_view(input: &str, separator: Option<char>, patterned: &[PatternedProduct]) -> ScanView {
    match read_code(input, separator, patterned) {
        Ok(None) => ScanView::Empty,
        Ok(Some(Code::PatternedSerial { serial, products })) => ScanView::PatternedSerial {
            serial: serial.as_str().to_owned(),
            products: products.iter().map(|product| format!("{} · {}", product.code, product.name)).collect(),
        },
        Ok(Some(Code::Elements(elements))) => ScanView::Parsed {
            bracketed: gs1::to_bracketed(&elements),
            rows: elements
                .into_iter()
                .map(|element| ElementRow {
                    title: gs1::ai_title(&element.ai).unwrap_or("Unknown application identifier").to_owned(),
                    ai: element.ai,
                    value: element.value,
                })
                .collect(),
        },
        Err(error) => ScanView::Invalid {
            marked: error.position.map(|position| mark(trimmed(input), position)),
            message: error.sentence(),
        },
    }
}

/// Splits the input around the character at `position`, so the view can highlight it.
fn mark(input: &str, position: usize) -> (String, String, String) {
    let before: String = input.chars().take(position).collect();
    let at: String = input.chars().skip(position).take(1).collect();
    let after: String = input.chars().skip(position + 1).collect();
    (visible(&before), visible(&at), visible(&after))
}

/// GS is invisible on screen: show it as ␝ so an operator can see where the scanner put it.
pub fn visible(text: &str) -> String {
    text.replace('\u{1d}', "␝")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_box_shows_nothing() {
        assert_eq!(scan_view("   ", None, &[]), ScanView::Empty);
    }

    #[test]
    fn a_scanner_string_shows_each_element_with_its_meaning() {
        let ScanView::Parsed { rows, bracketed } = scan_view("]d2010950600013435221ABC123\u{1d}10LOT7", None, &[])
        else {
            panic!("expected the string to parse");
        };
        let ais: Vec<&str> = rows.iter().map(|row| row.ai.as_str()).collect();
        assert_eq!(ais, ["01", "21", "10"]);
        assert_eq!(rows[1].value, "ABC123");
        assert!(rows.iter().all(|row| !row.title.is_empty()));
        assert_eq!(bracketed, "(01)09506000134352(21)ABC123(10)LOT7");
    }

    #[test]
    fn a_configured_stand_in_separates_fields() {
        let view = scan_view("010950600013435221ABC123|10LOT7", Some('|'), &[]);
        assert!(matches!(view, ScanView::Parsed { ref rows, .. } if rows.len() == 3), "{view:?}");
    }

    #[test]
    fn a_wrong_check_digit_is_explained_and_located() {
        let ScanView::Invalid { message, marked, .. } = scan_view("(01)09506000134353", None, &[]) else {
            panic!("expected an error");
        };
        assert!(message.starts_with("Not a valid code (at character"), "{message}");
        assert!(marked.is_some());
    }
}
