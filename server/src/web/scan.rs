//! Reading a GTIN and a serial out of whatever a scanner sent, with the shared GS1 parser.

use super::error::{ApiError, ApiResult};
use serialtrack_shared::gs1::{self, ParseOptions};

/// The (GTIN, serial) pair of AIs 01 and 21 in a scanner string (`]d2…`, bracketed, or a Digital Link).
pub fn gtin_and_serial(scan: &str) -> ApiResult<(String, String)> {
    let options = ParseOptions { permit_zero_suppressed_gtin: true, ..ParseOptions::default() };
    let elements = gs1::parse(scan, &options).map_err(|error| {
        let at = error.position.map(|position| format!(" at character {position}")).unwrap_or_default();
        ApiError::invalid("invalid_scan", format!("the scanner string is not valid GS1{at}: {}", error.message))
    })?;
    let value = |ai: &str| elements.iter().find(|element| element.ai == ai).map(|element| element.value.clone());
    match (value("01"), value("21")) {
        (Some(gtin), Some(serial)) => Ok((gtin, serial)),
        _ => Err(ApiError::invalid("invalid_scan", "the scanner string must hold a GTIN (AI 01) and a serial (AI 21)")),
    }
}
