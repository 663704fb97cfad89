//! Reading a GTIN and a serial out of whatever a scanner sent, with the shared GS1 parser.

use super::error::{ApiError, ApiResult};

/// The (GTIN, serial) pair of AIs 01 and 21 in a scanner string.
pub fn gtin_and_serial(scan: &str) -> ApiResult<(String, String)> {
    // Until the shared parser lands, only the bracketed form `(01)…(21)…` is read.
    let mut gtin = None;
    let mut serial = None;
    for part in scan.split('(').skip(1) {
        if let Some((ai, value)) = part.split_once(')') {
            match ai {
                "01" => gtin = Some(value.to_owned()),
                "21" => serial = Some(value.to_owned()),
                _ => {}
            }
        }
    }
    match (gtin, serial) {
        (Some(gtin), Some(serial)) => Ok((gtin, serial)),
        _ => Err(ApiError::invalid("invalid_scan", "the scanner string must hold a GTIN (AI 01) and a serial (AI 21)")),
    }
}
