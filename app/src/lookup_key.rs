//! What a scanned or typed code says, decided once: the scan box's live check and the unit lookup both read
//! through [`read_code`], so the box never calls bad a code that Enter finds (nor the other way round).
//! A code is a scanner string or Digital Link, a typed "GTIN serial" pair, or a serial alone that follows an
//! internal-code product's pattern (`CM500-2026-0001`); a unit lookup needs a product and a serial.

use crate::model::ProductRecord;
use serialtrack_shared::gs1::{self, Element, ParseOptions};
use serialtrack_shared::ids::{Gtin, ProductCode, Serial};
use serialtrack_shared::serials::SerialPattern;
use serialtrack_shared::unit::UnitKey;

/// An internal-code product whose serials follow a pattern: a serial of that pattern, scanned alone, names
/// a unit of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternedProduct {
    pub code: ProductCode,
    pub name: String,
    pattern: SerialPattern,
}

/// The tenant's internal-code products with a serial pattern, from the device's product records.
pub fn patterned_products(products: &[ProductRecord]) -> Vec<PatternedProduct> {
    products
        .iter()
        .filter(|product| product.code_schema == "internal")
        .filter_map(|product| {
            Some(PatternedProduct {
                code: product.product_code()?,
                name: product.name.clone(),
                pattern: product.serial_pattern()?,
            })
        })
        .collect()
}

/// What a code names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// GS1 elements, in the order given (a typed pair gives its (01) and (21)).
    Elements(Vec<Element>),
    /// A serial alone, of the pattern of these products (one, or several for the person to choose from).
    PatternedSerial { serial: Serial, products: Vec<PatternedProduct> },
}

/// The unit a lookup opens, or the products a patterned serial may belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Unit(UnitKey),
    Choose { serial: Serial, products: Vec<PatternedProduct> },
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

/// What a code carries; `Ok(None)` for an empty input. `patterned`: the products whose serials are read alone.
pub fn read_code(
    input: &str,
    separator: Option<char>,
    patterned: &[PatternedProduct],
) -> Result<Option<Code>, CodeError> {
    let input = trimmed(input);
    if input.is_empty() {
        return Ok(None);
    }
    if let Some((gtin, serial)) = typed_pair(input) {
        let gtin = Gtin::parse(gtin).map_err(|error| CodeError::new(format!("the GTIN is not valid: {error}")))?;
        let serial =
            Serial::parse(serial).map_err(|error| CodeError::new(format!("the serial is not valid: {error}")))?;
        return Ok(Some(Code::Elements(vec![Element::new("01", gtin.as_str()), Element::new("21", serial.as_str())])));
    }
    let options = ParseOptions { separator, ..ParseOptions::default() };
    match gs1::parse(input, &options) {
        Ok(elements) => Ok(Some(Code::Elements(elements))),
        Err(error) => {
            // Not GS1: a serial alone is read when a product's pattern fits it, and the GS1 mistake is told otherwise.
            let products: Vec<PatternedProduct> =
                patterned.iter().filter(|product| product.pattern.matches(input)).cloned().collect();
            match Serial::parse(input) {
                Ok(serial) if !products.is_empty() => Ok(Some(Code::PatternedSerial { serial, products })),
                _ => Err(CodeError { message: error.message, position: error.position }),
            }
        }
    }
}

/// The unit that what was scanned or typed names, or the products to choose from, or in words what is missing.
pub fn lookup_target(input: &str, separator: Option<char>, patterned: &[PatternedProduct]) -> Result<Target, String> {
    let code = read_code(input, separator, patterned).map_err(|error| error.sentence())?;
    let elements = match code {
        None => return Err("Scan a unit's code, or type its GTIN and serial separated by a space.".into()),
        Some(Code::PatternedSerial { serial, mut products }) if products.len() == 1 => {
            return Ok(Target::Unit(UnitKey { product: products.remove(0).code, serial }))
        }
        Some(Code::PatternedSerial { serial, products }) => return Ok(Target::Choose { serial, products }),
        Some(Code::Elements(elements)) => elements,
    };
    let value_of = |ai: &str| elements.iter().find(|element| element.ai == ai).map(|element| element.value.as_str());
    let (Some(gtin), Some(serial)) = (value_of("01"), value_of("21")) else {
        return Err("This code names no single unit: it needs a GTIN (01) and a serial number (21).".into());
    };
    // The GS1 parser checked both values; parsing again only gives them their types.
    let gtin = Gtin::parse(gtin).map_err(|error| format!("The GTIN is not valid: {error}."))?;
    let serial = Serial::parse(serial).map_err(|error| format!("The serial is not valid: {error}."))?;
    Ok(Target::Unit(UnitKey::sgtin(&gtin, serial)))
}

/// The GS1 unit a label names (a line scans only its own product's labels).
pub fn unit_key(input: &str, separator: Option<char>) -> Result<UnitKey, String> {
    match lookup_target(input, separator, &[])? {
        Target::Unit(key) => Ok(key),
        Target::Choose { .. } => Err("This code names no single unit.".into()),
    }
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
    use crate::replica_parts::storage_key;
    use crate::scan_view::{scan_view, ScanView};
    use serde_json::json;

    fn internal(id: &str, code: &str, template: &str) -> ProductRecord {
        ProductRecord {
            id: id.into(),
            code: code.into(),
            code_schema: "internal".into(),
            name: format!("Product {code}"),
            serial_source: "generated".into(),
            serial_scheme: json!({"kind": "patterned", "template": template}),
            available: 0,
            assigned: 0,
            workflow: Default::default(),
            details: Default::default(),
        }
    }

    fn key_of(target: Result<Target, String>) -> String {
        match target {
            Ok(Target::Unit(key)) => storage_key(&key),
            other => panic!("expected one unit, got {other:?}"),
        }
    }

    #[test]
    fn each_way_of_naming_a_unit_gives_the_same_key() {
        let inputs = [
            "]d2010950600013435221ABC123",
            "(01)09506000134352(21)ABC123",
            "9506000134352 ABC123",
            "https://id.example.com/01/09506000134352/21/ABC123",
        ];
        for input in inputs {
            assert_eq!(key_of(lookup_target(input, None, &[])), "09506000134352/ABC123", "{input}");
        }
    }

    /// Given what a person types or a scanner sends, when the box checks it live and when Enter looks it up,
    /// then both say the same: a valid code is never shown as bad while its unit is found, nor the reverse.
    #[test]
    fn the_live_check_and_the_lookup_agree_on_every_input() {
        let patterned = patterned_products(&[internal("p1", "CM-500", "CM500-{YYYY}-{NNNN}")]);
        // (input, separator, the live check accepts it, it names a unit)
        let table: [(&str, Option<char>, bool, bool); 14] = [
            ("09520123456788 7349ARXHCJ9D", None, true, true),
            ("  9506000134352   ABC123 \n", None, true, true),
            ("(01)09506000134352(21)ABC123", None, true, true),
            ("]d2010950600013435221ABC123\u{1d}10LOT7", None, true, true),
            ("010950600013435221ABC123|10LOT7", Some('|'), true, true),
            ("https://id.example.com/01/09506000134352/21/ABC123", None, true, true),
            ("CM500-2026-0001", None, true, true),
            ("(01)09506000134352(10)LOT1", None, true, false),
            ("CM500-2026-001", None, false, false),
            ("09506000134353 ABC", None, false, false),
            ("09506000134352 AB C", None, false, false),
            ("(01)09506000134353(21)A", None, false, false),
            ("hello world", None, false, false),
            ("   ", None, false, false),
        ];
        for (input, separator, valid, names_a_unit) in table {
            let live = scan_view(input, separator, &patterned);
            let live_valid = matches!(live, ScanView::Parsed { .. } | ScanView::PatternedSerial { .. });
            assert_eq!(live_valid, valid, "live check of {input:?}: {live:?}");
            assert_eq!(lookup_target(input, separator, &patterned).is_ok(), names_a_unit, "lookup of {input:?}");
            assert!(!names_a_unit || live_valid, "{input:?} is found but the live check calls it bad");
        }
    }

    #[test]
    fn a_typed_pair_shows_its_gtin_and_serial_as_elements() {
        let ScanView::Parsed { rows, bracketed } = scan_view("09520123456788 7349ARXHCJ9D", None, &[]) else {
            panic!("the pair is a valid code");
        };
        assert_eq!(rows.iter().map(|row| row.ai.as_str()).collect::<Vec<_>>(), ["01", "21"]);
        assert_eq!(bracketed, "(01)09520123456788(21)7349ARXHCJ9D");
    }

    #[test]
    fn a_patterned_serial_names_the_unit_of_the_one_product_whose_pattern_fits() {
        let products = [
            internal("p1", "CM-500", "CM500-{YYYY}-{NNNN}"),
            internal("p2", "GR-10", "GR10-{NNNNNN}"),
            ProductRecord { code_schema: "gtin".into(), ..internal("p3", "09506000134352", "CM500-{YYYY}-{NNNN}") },
        ];
        let patterned = patterned_products(&products);
        assert_eq!(patterned.len(), 2, "only internal-code products are read by their serial alone");
        assert_eq!(key_of(lookup_target("CM500-2026-0001", None, &patterned)), "CM-500/CM500-2026-0001");
        assert_eq!(key_of(lookup_target(" GR10-000042\r\n", None, &patterned)), "GR-10/GR10-000042");
        let unknown = lookup_target("XX500-2026-0001", None, &patterned).unwrap_err();
        assert!(unknown.starts_with("Not a valid code"), "{unknown}");
    }

    #[test]
    fn a_patterned_serial_two_products_fit_is_a_choice_between_them() {
        let patterned = patterned_products(&[
            internal("p1", "CM-500", "CM500-{YYYY}-{NNNN}"),
            internal("p2", "CM-500B", "CM500-{YYYY}-{NNNN}"),
        ]);
        let Ok(Target::Choose { serial, products }) = lookup_target("CM500-2026-0001", None, &patterned) else {
            panic!("two products fit the serial");
        };
        assert_eq!(serial.as_str(), "CM500-2026-0001");
        let codes: Vec<&str> = products.iter().map(|product| product.code.as_str()).collect();
        assert_eq!(codes, ["CM-500", "CM-500B"]);
    }

    #[test]
    fn a_code_without_a_serial_is_refused_with_what_is_missing() {
        let error = lookup_target("(01)09506000134352(10)LOT1", None, &[]).unwrap_err();
        assert!(error.contains("(21)"), "{error}");
    }

    #[test]
    fn a_typed_pair_with_a_bad_gtin_says_so() {
        let error = unit_key("09506000134353 ABC", None).unwrap_err();
        assert!(error.contains("GTIN"), "{error}");
        assert!(unit_key("", None).is_err());
    }
}
