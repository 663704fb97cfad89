//! Turns a product's serial scheme into serials, with the shared generator.

use crate::store::ProductRecord;
use serialtrack_shared::serials::{SerialGenerator, SerialScheme, ValidScheme};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("the product's serial_scheme is not usable: {0}")]
    Invalid(String),
}

/// The scheme a product gets when none is given: 12 characters of digits and capitals without I and O
/// (randomised, as EU FMD asks).
pub fn default_scheme() -> SerialScheme {
    SerialScheme::Randomised { alphabet: "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".into(), length: 12 }
}

/// Reads and checks a scheme as stored or sent; an empty object means the default.
pub fn parse_scheme(json: &serde_json::Value) -> Result<(SerialScheme, ValidScheme), SchemeError> {
    let scheme = if json.as_object().is_some_and(|object| object.is_empty()) {
        default_scheme()
    } else {
        serde_json::from_value::<SerialScheme>(json.clone()).map_err(|error| SchemeError::Invalid(error.to_string()))?
    };
    let valid = scheme.validate().map_err(|error| SchemeError::Invalid(error.to_string()))?;
    Ok((scheme, valid))
}

/// `count` serials from generator counter `first` on.
pub fn generate(product: &ProductRecord, first: u64, count: usize) -> Result<Vec<String>, SchemeError> {
    let json: serde_json::Value =
        serde_json::from_str(&product.serial_scheme).map_err(|error| SchemeError::Invalid(error.to_string()))?;
    let invalid = |error: serialtrack_shared::serials::SerialError| SchemeError::Invalid(error.to_string());
    match parse_scheme(&json)?.1 {
        ValidScheme::Randomised(scheme) => {
            // The permutation key comes from the product id, so each product's sequence differs and stays stable.
            let digest = Sha256::digest(product.id.as_bytes());
            let mut key = [0u8; 16];
            key.copy_from_slice(&digest[..16]);
            let generator = SerialGenerator::new(scheme, key);
            generator
                .serials(first..first + count as u64)
                .map(|serial| serial.map(|s| s.as_str().to_owned()).map_err(invalid))
                .collect()
        }
        ValidScheme::Patterned(pattern) => {
            let year = time::OffsetDateTime::now_utc().year();
            (first..first + count as u64)
                .map(|counter| pattern.render(year, counter + 1).map(|s| s.as_str().to_owned()).map_err(invalid))
                .collect()
        }
    }
}
