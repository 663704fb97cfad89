//! What a scanned or typed code says, decided once: the scan box's live check and the unit lookup both read
//! through [`read_code`], so the box never calls bad a code that Enter finds (nor the other way round).
//! A code is a scanner string or Digital Link, or a typed "GTIN serial" pair; a unit lookup needs (01) and (21).

use serialtrack_shared::gs1::{self, Element, ParseOptions};
use serialtrack_shared::ids::{Gtin, Serial};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitKey {
    pub gtin: Gtin,
    pub serial: Serial,
}

impl UnitKey {
    /// The key under which the device stores the unit.
    pub fn storage_key(&self) -> String {
        crate::model::UnitRecord::key_for(self.gtin.as_str(), self.serial.as_str())
    }
}

/// Why a code was not read: the mistake in words and, for a GS1 string, the 0-based character it is at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    pub message: String,
    pub position: Option<usize>,
}

impl CodeError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), position: None }
    }

    /// The sentence a person reads, with the character counted from 1.
    pub fn sentence(&self) -> String {
        match self.position {
            Some(position) => format!("Not a valid code (at character {}): {}", position + 1, self.message),
            None => format!("Not a valid code: {}", self.message),
        }
    }
}

/// Surrounding spaces and line ends come from a keyboard wedge or a paste; they are never part of a code.
pub fn trimmed(input: &str) -> &str {
    input.trim_matches(|c: char| c == ' ' || c == '\n' || c == '\r' || c == '\t')
}

/// The elements a code carries, in the order given. `Ok(None)` for an empty input.
pub fn read_code(input: &str, separator: Option<char>) -> Result<Option<Vec<Element>>, CodeError> {
    let input = trimmed(input);
    if input.is_empty() {
        return Ok(None);
    }
    if let Some((gtin, serial)) = typed_pair(input) {
        let gtin = Gtin::parse(gtin).map_err(|error| CodeError::new(format!("the GTIN is not valid: {error}")))?;
        let serial =
            Serial::parse(serial).map_err(|error| CodeError::new(format!("the serial is not valid: {error}")))?;
        return Ok(Some(vec![Element::new("01", gtin.as_str()), Element::new("21", serial.as_str())]));
    }
    let options = ParseOptions { separator, ..ParseOptions::default() };
    let elements =
        gs1::parse(input, &options).map_err(|error| CodeError { message: error.message, position: error.position })?;
    Ok(Some(elements))
}

/// Reads a unit key from what was scanned or typed, or says in words what is missing.
pub fn unit_key(input: &str, separator: Option<char>) -> Result<UnitKey, String> {
    let Some(elements) = read_code(input, separator).map_err(|error| error.sentence())? else {
        return Err("Scan a unit's code, or type its GTIN and serial separated by a space.".into());
    };
    let value_of = |ai: &str| elements.iter().find(|element| element.ai == ai).map(|element| element.value.as_str());
    let (Some(gtin), Some(serial)) = (value_of("01"), value_of("21")) else {
        return Err("This code names no single unit: it needs a GTIN (01) and a serial number (21).".into());
    };
    // The GS1 parser checked both values; parsing again only gives them their types.
    let gtin = Gtin::parse(gtin).map_err(|error| format!("The GTIN is not valid: {error}."))?;
    let serial = Serial::parse(serial).map_err(|error| format!("The serial is not valid: {error}."))?;
    Ok(UnitKey { gtin, serial })
}

/// "09506000134352 ABC123": digits, spaces, then a serial — how a person types a unit from a label.
fn typed_pair(input: &str) -> Option<(&str, &str)> {
    let (first, rest) = input.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    (first.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() && !rest.contains(char::is_whitespace))
        .then_some((first, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan_view::{scan_view, ScanView};

    #[test]
    fn each_way_of_naming_a_unit_gives_the_same_key() {
        let inputs = [
            "]d2010950600013435221ABC123",
            "(01)09506000134352(21)ABC123",
            "9506000134352 ABC123",
            "https://id.example.com/01/09506000134352/21/ABC123",
        ];
        for input in inputs {
            let key = unit_key(input, None).unwrap_or_else(|error| panic!("{input}: {error}"));
            assert_eq!(key.storage_key(), "09506000134352/ABC123", "{input}");
        }
    }

    /// Given what a person types or a scanner sends, when the box checks it live and when Enter looks it up,
    /// then both say the same: a valid code is never shown as bad while its unit is found, nor the reverse.
    #[test]
    fn the_live_check_and_the_lookup_agree_on_every_input() {
        // (input, separator, the live check accepts it, it names a unit)
        let table: [(&str, Option<char>, bool, bool); 12] = [
            ("09520123456788 7349ARXHCJ9D", None, true, true),
            ("  9506000134352   ABC123 \n", None, true, true),
            ("(01)09506000134352(21)ABC123", None, true, true),
            ("]d2010950600013435221ABC123\u{1d}10LOT7", None, true, true),
            ("010950600013435221ABC123|10LOT7", Some('|'), true, true),
            ("https://id.example.com/01/09506000134352/21/ABC123", None, true, true),
            ("(01)09506000134352(10)LOT1", None, true, false),
            ("09506000134353 ABC", None, false, false),
            ("09506000134352 AB C", None, false, false),
            ("(01)09506000134353(21)A", None, false, false),
            ("hello world", None, false, false),
            ("   ", None, false, false),
        ];
        for (input, separator, valid, names_a_unit) in table {
            let live = scan_view(input, separator);
            let live_valid = matches!(live, ScanView::Parsed { .. });
            assert_eq!(live_valid, valid, "live check of {input:?}: {live:?}");
            assert_eq!(unit_key(input, separator).is_ok(), names_a_unit, "lookup of {input:?}");
            assert!(!names_a_unit || live_valid, "{input:?} is found but the live check calls it bad");
        }
    }

    #[test]
    fn a_typed_pair_shows_its_gtin_and_serial_as_elements() {
        let ScanView::Parsed { rows, bracketed } = scan_view("09520123456788 7349ARXHCJ9D", None) else {
            panic!("the pair is a valid code");
        };
        assert_eq!(rows.iter().map(|row| row.ai.as_str()).collect::<Vec<_>>(), ["01", "21"]);
        assert_eq!(bracketed, "(01)09520123456788(21)7349ARXHCJ9D");
    }

    #[test]
    fn a_code_without_a_serial_is_refused_with_what_is_missing() {
        let error = unit_key("(01)09506000134352(10)LOT1", None).unwrap_err();
        assert!(error.contains("(21)"), "{error}");
    }

    #[test]
    fn a_typed_pair_with_a_bad_gtin_says_so() {
        let error = unit_key("09506000134353 ABC", None).unwrap_err();
        assert!(error.contains("GTIN"), "{error}");
        assert!(unit_key("", None).is_err());
    }
}
