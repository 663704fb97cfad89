//! Turns a product's serial scheme into serials, with the shared generator.

use super::error::{ApiError, ApiResult};
use crate::store::ProductRecord;

/// `count` serials from generator counter `first` on.
pub fn generate(product: &ProductRecord, first: u64, count: usize) -> ApiResult<Vec<String>> {
    // Until the shared generator lands: a plain counter, formatted to 12 digits.
    let _ = &product.serial_scheme;
    if count == 0 {
        return Err(ApiError::invalid("invalid_count", "count must be at least 1"));
    }
    Ok((first..first + count as u64).map(|counter| format!("{counter:012}")).collect())
}
