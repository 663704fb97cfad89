//! GS1 scanner strings: parsing what a scanner or a person sends into (AI, value) elements, and back.
//!
//! - [`parse`] takes any of: a scanner string with or without a symbology identifier (`]d2`, `]C1`, `]Q3`,
//!   `]e0`, `]J1`), GS (ASCII 29) or a configured stand-in between fields; the bracketed form
//!   `(01)…(21)…`; a GS1 Digital Link URI. It checks each value (length, character set, check digits, dates,
//!   country and currency codes) and the rules across AIs (21 needs 01, 01 never with 02 …).
//! - [`to_bracketed`], [`to_element_string`], [`to_digital_link`] format elements back.
//! - [`ai_title`] names an AI in words for the UI.
//!
//! The AIs and their rules are one table, `ai_table.rs`.

mod ai;
mod ai_table;
mod associations;
mod codes;
mod digital_link;
mod element_string;
mod error;
mod format;
mod lint;
mod scan;
mod value;

pub use ai::Charset;
pub use error::{Gs1Error, Gs1Rule};
pub use format::{to_bracketed, to_element_string};
pub use lint::Lint;

use serde::{Deserialize, Serialize};

/// ASCII 29, the group separator scanners send for FNC1 between variable-length fields.
pub const GS: char = '\u{1d}';

/// One Application Identifier and its value, in the order they were scanned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Element {
    pub ai: String,
    pub value: String,
}

impl Element {
    pub fn new(ai: impl Into<String>, value: impl Into<String>) -> Self {
        Self { ai: ai.into(), value: value.into() }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// A character the scanner sends in place of GS (many keyboard wedges cannot type ASCII 29).
    pub separator: Option<char>,
    /// Accept well-formed AIs outside the table in the bracketed form (values are only checked for CSET 82).
    pub permit_unknown_ais: bool,
    /// Accept GTIN-8/12/13 in Digital Link URIs, padding them to 14 digits.
    pub permit_zero_suppressed_gtin: bool,
    /// Accept unknown AIs as Digital Link attributes (with `permit_unknown_ais`).
    pub permit_unknown_ai_attributes: bool,
}

/// Parses whatever a scanner or a person sent into its elements, or says what is wrong and where.
pub fn parse(input: &str, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    scan::parse(input, options)
}

/// The GS1 Digital Link URI for these elements, under `base` (e.g. `https://id.gs1.org`).
pub fn to_digital_link(elements: &[Element], base: &str) -> Result<String, Gs1Error> {
    digital_link::generate(elements, base, &ParseOptions::default())
}

/// Like [`to_digital_link`], with options (e.g. to carry unknown AIs as attributes).
pub fn to_digital_link_with(elements: &[Element], base: &str, options: &ParseOptions) -> Result<String, Gs1Error> {
    digital_link::generate(elements, base, options)
}

/// What an AI means, in words ("Serial number"), for the UI.
pub fn ai_title(ai_code: &str) -> Option<&'static str> {
    ai::lookup(ai_code).map(|definition| definition.title)
}

/// Whether a scanner must send a separator after this AI when another field follows.
pub fn needs_separator(ai_code: &str) -> bool {
    ai::predefined_length(ai_code).is_none()
}

/// Whether a value fits a character set (used by tests against GS1's component vectors).
pub fn fits_charset(charset: Charset, value: &str) -> bool {
    value::fits_charset(charset, value)
}

/// Runs one component check on its own (used by tests against GS1's component vectors).
pub fn check_component(lint: Lint, value: &str) -> bool {
    lint::check(lint, value).is_ok()
}
