//! Why a scanner string was refused: a stable rule code, a sentence, and where.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The rule an input broke; stable snake_case codes a client can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gs1Rule {
    /// Nothing was scanned.
    Empty,
    /// A `]xx` symbology identifier that is short, unknown, or names a carrier without GS1 data.
    SymbologyIdentifier,
    /// The data is not GS1 data (e.g. plain text in a QR code, or a plain EAN/UPC).
    NotGs1Data,
    /// No known Application Identifier starts here.
    UnknownAi,
    /// The bracketed form is malformed.
    Syntax,
    /// A value is shorter than its AI allows.
    TooShort,
    /// A value is longer than its AI allows.
    TooLong,
    /// A character not allowed by the AI's character set.
    InvalidCharacter,
    /// A wrong GS1 check digit.
    CheckDigit,
    /// An impossible date or time.
    InvalidDate,
    /// Another content rule of the AI (a country or currency code, a piece of a total …).
    InvalidContent,
    /// An AI that must come with another one came alone.
    MissingRequiredAi,
    /// Two AIs that may not appear together.
    InvalidPair,
    /// The same AI twice with different values.
    ConflictingRepeat,
    /// A malformed GS1 Digital Link URI.
    DigitalLink,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gs1Error {
    pub rule: Gs1Rule,
    /// A sentence saying what is wrong and what to fix.
    pub message: String,
    /// The 0-based character index in the input where the problem is, when it has one place.
    pub position: Option<usize>,
}

impl Gs1Error {
    pub fn new(rule: Gs1Rule, position: Option<usize>, message: impl Into<String>) -> Self {
        Self { rule, message: message.into(), position }
    }

    pub(crate) fn at(rule: Gs1Rule, position: usize, message: impl Into<String>) -> Self {
        Self::new(rule, Some(position), message)
    }

    pub(crate) fn whole(rule: Gs1Rule, message: impl Into<String>) -> Self {
        Self::new(rule, None, message)
    }
}

impl fmt::Display for Gs1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(position) => write!(f, "{} (at character {position})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Gs1Error {}
