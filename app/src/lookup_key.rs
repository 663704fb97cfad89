//! Which unit a lookup means: a scanner string or Digital Link carrying (01) and (21), or a typed
//! "GTIN serial" pair. Everything a keyboard-wedge scanner or an operator may send ends up as one `UnitKey`.

use serialtrack_shared::gs1::{self, ParseOptions};
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

/// Reads a unit key from what was scanned or typed, or says in words what is missing.
pub fn unit_key(input: &str, separator: Option<char>) -> Result<UnitKey, String> {
    let input = input.trim_matches(|c: char| c == ' ' || c == '\n' || c == '\r' || c == '\t');
    if input.is_empty() {
        return Err("Scan a unit's code, or type its GTIN and serial separated by a space.".into());
    }
    if let Some((gtin, serial)) = typed_pair(input) {
        let gtin = Gtin::parse(gtin).map_err(|error| format!("The GTIN is not valid: {error}."))?;
        let serial = Serial::parse(serial).map_err(|error| format!("The serial is not valid: {error}."))?;
        return Ok(UnitKey { gtin, serial });
    }
    let options = ParseOptions { separator, ..ParseOptions::default() };
    let elements = gs1::parse(input, &options).map_err(|error| format!("Not a valid code: {}", error.message))?;
    let value_of = |ai: &str| elements.iter().find(|element| element.ai == ai).map(|element| element.value.as_str());
    let (Some(gtin), Some(serial)) = (value_of("01"), value_of("21")) else {
        return Err("This code names no single unit: it needs a GTIN (01) and a serial number (21).".into());
    };
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
