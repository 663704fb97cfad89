//! Turns a product's serial scheme into serials, with the shared generator.

use crate::store::ProductRecord;

#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("the product's serial_scheme is not usable: {0}")]
    Invalid(String),
}

/// `count` serials from generator counter `first` on.
pub fn generate(product: &ProductRecord, first: u64, count: usize) -> Result<Vec<String>, SchemeError> {
    // Until the shared generator lands: a plain counter, formatted to 12 digits.
    let _ = &product.serial_scheme;
    Ok((first..first + count as u64).map(|counter| format!("{counter:012}")).collect())
}
