//! A product's serial scheme as stored with its settings.

use super::{Alphabet, RandomisedScheme, SerialError, SerialPattern};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SerialScheme {
    Randomised {
        alphabet: String,
        #[cfg_attr(feature = "utoipa", schema(maximum = 255))]
        length: u8,
    },
    Patterned {
        /// Fixed text and placeholders with one counter, e.g. `CM500-{YYYY}-{NNNN}`.
        #[cfg_attr(feature = "utoipa", schema(pattern = r"\{N+\}"))]
        template: String,
    },
}

/// A scheme checked and ready to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidScheme {
    Randomised(RandomisedScheme),
    Patterned(SerialPattern),
}

impl SerialScheme {
    pub fn validate(&self) -> Result<ValidScheme, SerialError> {
        match self {
            SerialScheme::Randomised { alphabet, length } => {
                Ok(ValidScheme::Randomised(RandomisedScheme::new(Alphabet::parse(alphabet)?, u32::from(*length))?))
            }
            SerialScheme::Patterned { template } => Ok(ValidScheme::Patterned(SerialPattern::parse(template)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_read_from_json_are_validated() {
        let randomised: SerialScheme =
            serde_json::from_str(r#"{"kind":"randomised","alphabet":"0123456789","length":12}"#).unwrap();
        assert!(matches!(randomised.validate(), Ok(ValidScheme::Randomised(_))));
        let patterned: SerialScheme =
            serde_json::from_str(r#"{"kind":"patterned","template":"CM500-{YYYY}-{NNNN}"}"#).unwrap();
        assert!(matches!(patterned.validate(), Ok(ValidScheme::Patterned(_))));
        let bad = SerialScheme::Randomised { alphabet: "00".into(), length: 5 };
        assert!(matches!(bad.validate(), Err(SerialError::BadAlphabet { .. })));
    }
}
