//! What a scan box receives, sorted out: a symbology identifier (`]d2`, `]C1`, `]Q3` …), a Digital Link,
//! the bracketed form, or a bare element string.

use super::error::{Gs1Error, Gs1Rule};
use super::value::printable;
use super::{associations, digital_link, element_string, Element, ParseOptions};
use crate::ids::has_valid_check_digit;

/// The symbology identifiers whose data is GS1 element strings.
const GS1_SYMBOLOGIES: [&str; 5] = ["]d2", "]C1", "]Q3", "]e0", "]J1"];
/// Identifiers of carriers of plain data (which may still be a Digital Link URI).
const PLAIN_SYMBOLOGIES: [&str; 3] = ["]d1", "]Q1", "]J0"];

pub fn parse(input: &str, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    if input.is_empty() {
        return Err(Gs1Error::whole(Gs1Rule::Empty, "nothing was scanned: scan or type a code"));
    }
    let elements =
        if input.starts_with(']') { parse_with_symbology(input, options)? } else { parse_data(input, 0, options)? };
    associations::check(&elements)?;
    Ok(elements)
}

/// Data without a symbology identifier, starting at byte `start`.
fn parse_data(input: &str, start: usize, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    let data = &input[start..];
    if digital_link::is_digital_link(data) {
        return digital_link::parse(data, options).map_err(|error| shift(error, start));
    }
    if let Some((index, c)) = input.char_indices().find(|(_, c)| !c.is_ascii()) {
        let position = input[..index].chars().count();
        return Err(Gs1Error::at(Gs1Rule::InvalidCharacter, position, format!("'{c}' cannot be part of a GS1 code")));
    }
    if data.starts_with('(') {
        return element_string::parse_bracketed(data, options).map_err(|error| shift(error, start));
    }
    element_string::parse_raw(input, start, options)
}

fn shift(mut error: Gs1Error, by: usize) -> Gs1Error {
    error.position = error.position.map(|p| p + by);
    error
}

fn parse_with_symbology(input: &str, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    let identifier = input.get(..3).filter(|id| id.is_char_boundary(3)).unwrap_or("");
    let bad_identifier = |message: &str| Gs1Error::at(Gs1Rule::SymbologyIdentifier, 0, message);
    if identifier.len() < 3 || !identifier.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic()) {
        return Err(bad_identifier("the scan starts with ']' but not with a symbology identifier such as ]d2"));
    }
    if GS1_SYMBOLOGIES.contains(&identifier) {
        if input.len() == 3 {
            return Err(Gs1Error::at(Gs1Rule::Empty, 3, "the scan has a symbology identifier but no data"));
        }
        if let Some(at) = input.find('^') {
            return Err(Gs1Error::at(
                Gs1Rule::InvalidCharacter,
                at,
                "a scan cannot contain '^': set the separator to ^",
            ));
        }
        return element_string::parse_raw(input, 3, options);
    }
    if PLAIN_SYMBOLOGIES.contains(&identifier) {
        if digital_link::is_digital_link(&input[3..]) {
            return parse_data(input, 3, options);
        }
        return Err(Gs1Error::at(Gs1Rule::NotGs1Data, 3, "this code holds plain text, not GS1 data"));
    }
    if identifier == "]E0" || identifier == "]E4" {
        return parse_ean(input, identifier, options);
    }
    Err(bad_identifier(&format!(
        "the symbology identifier {} is not one that carries GS1 data",
        printable_all(identifier)
    )))
}

/// EAN/UPC (`]E0` 13 digits, `]E4` 8): the barcode holds only a GTIN; GS1 data may follow in a composite
/// component (`|]e0…`).
fn parse_ean(input: &str, identifier: &str, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    let digits = if identifier == "]E0" { 13 } else { 8 };
    let (primary, composite) = match input[3..].split_once('|') {
        Some((primary, composite)) => (primary, Some(composite)),
        None => (&input[3..], None),
    };
    let fail = |message: &str| Gs1Error::at(Gs1Rule::NotGs1Data, 3, message);
    if primary.len() < digits {
        return Err(fail("the EAN/UPC number is too short"));
    }
    if primary.len() > digits {
        return Err(fail("the EAN/UPC number is too long"));
    }
    if !primary.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail("an EAN/UPC number holds only digits"));
    }
    if !has_valid_check_digit(primary) {
        return Err(fail("the EAN/UPC number's check digit is wrong"));
    }
    match composite {
        Some(rest) if rest.starts_with("]e0") => {
            let start = 3 + primary.len() + 1;
            element_string::parse_raw(input, start + 3, options)
        }
        _ => Err(fail("a plain EAN/UPC barcode names a product, not a unit: scan the unit's 2D code")),
    }
}

fn printable_all(text: &str) -> String {
    text.chars().map(printable).collect()
}
