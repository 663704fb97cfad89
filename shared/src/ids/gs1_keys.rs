//! GS1 keys with a mod-10 check digit: GTIN (trade item), SSCC (logistic unit), GLN (location).

use super::check_digit::has_valid_check_digit;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a GS1 key was refused. Each variant says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum KeyError {
    #[error("a {kind} must be {expected} digits; this one has {actual}")]
    WrongLength { kind: String, expected: String, actual: usize },
    #[error("a {kind} may hold only digits; character {position} is '{found}'")]
    NotADigit { kind: String, position: usize, found: char },
    #[error("the check digit of this {kind} should be {expected}, not {actual}: check for a mistyped digit")]
    WrongCheckDigit { kind: String, expected: u8, actual: u8 },
}

fn check_digits(kind: &str, text: &str, allowed_lengths: &[usize]) -> Result<(), KeyError> {
    if let Some((position, found)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(KeyError::NotADigit { kind: kind.into(), position, found });
    }
    if !allowed_lengths.contains(&text.len()) {
        let expected = allowed_lengths.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
        return Err(KeyError::WrongLength { kind: kind.into(), expected, actual: text.len() });
    }
    if !has_valid_check_digit(text) {
        let (data, check) = text.split_at(text.len() - 1);
        let expected = super::gs1_check_digit(data).unwrap_or(0);
        let actual = check.as_bytes()[0] - b'0';
        return Err(KeyError::WrongCheckDigit { kind: kind.into(), expected, actual });
    }
    Ok(())
}

macro_rules! digit_key {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The key as stored: its digits, check digit included.
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
            type Error = KeyError;
            fn try_from(text: String) -> Result<Self, KeyError> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(key: $name) -> String {
                key.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = KeyError;
            fn from_str(text: &str) -> Result<Self, KeyError> {
                Self::parse(text)
            }
        }
    };
}

digit_key!(
    /// A GTIN, always held as GTIN-14 (GTIN-8/12/13 are left-padded with zeros).
    Gtin,
    "GTIN"
);
digit_key!(
    /// A Serial Shipping Container Code: 18 digits naming one case or pallet.
    Sscc,
    "SSCC"
);
digit_key!(
    /// A Global Location Number: 13 digits naming a party or place.
    Gln,
    "GLN"
);

impl Gtin {
    /// Accepts GTIN-8, -12, -13 or -14 and normalises to 14 digits.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        check_digits("GTIN", text, &[8, 12, 13, 14])?;
        Ok(Self(format!("{text:0>14}")))
    }

    /// The indicator digit (packaging level) of the GTIN-14.
    pub fn indicator(&self) -> char {
        self.0.chars().next().unwrap_or('0')
    }
}

impl Sscc {
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        check_digits("SSCC", text, &[18])?;
        Ok(Self(text.to_owned()))
    }
}

impl Gln {
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        check_digits("GLN", text, &[13])?;
        Ok(Self(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_gtins_are_normalised_to_fourteen_digits() {
        assert_eq!(Gtin::parse("95012346").unwrap().as_str(), "00000095012346");
        assert_eq!(Gtin::parse("9506000134352").unwrap().as_str(), "09506000134352");
        assert_eq!(Gtin::parse("09506000134352").unwrap().as_str(), "09506000134352");
    }

    #[test]
    fn bad_gtins_say_what_is_wrong() {
        assert!(matches!(
            Gtin::parse("0950600013435"),
            Err(KeyError::WrongLength { actual: 13, .. }) | Err(KeyError::WrongCheckDigit { .. })
        ));
        assert_eq!(
            Gtin::parse("09506000134353"),
            Err(KeyError::WrongCheckDigit { kind: "GTIN".into(), expected: 2, actual: 3 })
        );
        assert_eq!(
            Gtin::parse("0950600013435A"),
            Err(KeyError::NotADigit { kind: "GTIN".into(), position: 13, found: 'A' })
        );
        assert!(matches!(Gtin::parse("123456789"), Err(KeyError::WrongLength { actual: 9, .. })));
    }

    #[test]
    fn sscc_and_gln_check_their_length_and_check_digit() {
        assert!(Sscc::parse("106141411234567897").is_ok());
        assert!(Sscc::parse("106141411234567898").is_err());
        assert!(Gln::parse("9520123456788").is_ok());
        assert!(Gln::parse("952012345678").is_err());
    }

    #[test]
    fn keys_round_trip_through_json_and_refuse_bad_json() {
        let gtin = Gtin::parse("09506000134352").unwrap();
        let json = serde_json::to_string(&gtin).unwrap();
        assert_eq!(json, "\"09506000134352\"");
        assert_eq!(serde_json::from_str::<Gtin>(&json).unwrap(), gtin);
        assert!(serde_json::from_str::<Gtin>("\"09506000134353\"").is_err());
    }
}
