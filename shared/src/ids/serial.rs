//! Serial numbers and lot numbers: 1–20 characters of GS1 CSET 82 (AI 21 and AI 10).

use super::cset82::first_non_cset82;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest serial or lot GS1 allows.
pub const MAX_TEXT_FIELD_LEN: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TextFieldError {
    #[error("a {field} cannot be empty")]
    Empty { field: String },
    #[error("a {field} may have at most 20 characters; this one has {actual}")]
    TooLong { field: String, actual: usize },
    #[error("a {field} may hold only GS1 CSET 82 characters (letters, digits and !\"%&'()*+,-./:;<=>?_); character {position} is '{found}'")]
    NotCset82 { field: String, position: usize, found: char },
}

fn check_text_field(field: &str, text: &str) -> Result<(), TextFieldError> {
    if text.is_empty() {
        return Err(TextFieldError::Empty { field: field.into() });
    }
    if let Some((position, found)) = first_non_cset82(text) {
        return Err(TextFieldError::NotCset82 { field: field.into(), position, found });
    }
    let actual = text.chars().count();
    if actual > MAX_TEXT_FIELD_LEN {
        return Err(TextFieldError::TooLong { field: field.into(), actual });
    }
    Ok(())
}

macro_rules! text_field {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: &str) -> Result<Self, TextFieldError> {
                check_text_field($field, text)?;
                Ok(Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextFieldError;
            fn try_from(text: String) -> Result<Self, TextFieldError> {
                check_text_field($field, &text)?;
                Ok(Self(text))
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

text_field!(
    /// A serial number (AI 21): with a GTIN it names one physical unit for its whole life.
    Serial,
    "serial"
);
text_field!(
    /// A batch or lot number (AI 10).
    Lot,
    "lot"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_of_one_to_twenty_cset82_characters_are_accepted() {
        for text in ["A", "12345678901234567890", "ab-C/9%&?", "CM500-2026-0001"] {
            assert_eq!(Serial::parse(text).unwrap().as_str(), text);
        }
    }

    #[test]
    fn bad_serials_say_what_to_fix() {
        assert_eq!(Serial::parse(""), Err(TextFieldError::Empty { field: "serial".into() }));
        assert_eq!(
            Serial::parse("123456789012345678901"),
            Err(TextFieldError::TooLong { field: "serial".into(), actual: 21 })
        );
        assert_eq!(
            Lot::parse("LOT 1"),
            Err(TextFieldError::NotCset82 { field: "lot".into(), position: 3, found: ' ' })
        );
        assert!(serde_json::from_str::<Serial>("\"a#b\"").is_err());
    }
}
