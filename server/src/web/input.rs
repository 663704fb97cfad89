//! What requests carry, checked the same way wherever they carry it: the size of a body, a list of serials,
//! a device id, an expiry date. A leaf: the routes that take these share it instead of reaching into each other.

use super::error::{ApiError, ApiResult};
use super::item_errors::{counted, ItemErrors};
use axum::http::StatusCode;
use serialtrack_shared::ids::Serial;
use std::collections::HashSet;

/// The largest body any route takes (a pool import, a registration of a million short serials); a larger one
/// is a 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The most serials one import or generation call takes.
pub const MAX_SERIALS_PER_CALL: usize = 1_000_000;

const DATE: &[time::format_description::FormatItem<'_>] = time::macros::format_description!("[year]-[month]-[day]");

/// 1 to [`MAX_SERIALS_PER_CALL`] serials.
pub fn check_count(serials: &[String]) -> ApiResult<()> {
    if serials.is_empty() || serials.len() > MAX_SERIALS_PER_CALL {
        return Err(ApiError::invalid("invalid_count", "send 1 to 1,000,000 serials in one call"));
    }
    Ok(())
}

/// Every serial that is not valid or repeats an earlier one, with its line.
pub fn serial_problems(serials: &[String], lines: &[usize]) -> ItemErrors {
    let mut seen = HashSet::with_capacity(serials.len());
    let mut problems = ItemErrors::default();
    for (serial, line) in serials.iter().zip(lines) {
        let problem = match Serial::parse(serial) {
            Err(error) => error.to_string(),
            Ok(_) if !seen.insert(serial.as_str()) => "appears twice in the list".to_owned(),
            Ok(_) => continue,
        };
        problems.push(Some(*line), serial, problem);
    }
    problems
}

/// Checks every serial and that none repeats; refused, every bad one is listed in `errors`.
pub fn validate_serials(serials: Vec<String>) -> ApiResult<Vec<String>> {
    check_count(&serials)?;
    let lines: Vec<usize> = (1..=serials.len()).collect();
    let problems = serial_problems(&serials, &lines);
    if !problems.is_empty() {
        return Err(items_refused(problems));
    }
    Ok(serials)
}

/// 422 naming the bad items; the sentence says how many and that nothing was taken.
pub fn items_refused(errors: ItemErrors) -> ApiError {
    ApiError::Items {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "invalid_serials",
        message: format!(
            "{} cannot be taken: fix them and send the whole list again; nothing was imported",
            counted(errors.total(), "the serials")
        ),
        errors,
    }
}

/// A device id: 1 to 64 letters, digits, '-' or '_' (the app makes a UUID).
pub fn check_device_id(device_id: &str) -> ApiResult<()> {
    let valid = !device_id.is_empty()
        && device_id.len() <= 64
        && device_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid("invalid_device_id", "device_id must be 1 to 64 letters, digits, '-' or '_' (a UUID)"))
    }
}

/// An expiry date as the API takes it, `YYYY-MM-DD`.
pub fn parse_expiry(text: &str) -> ApiResult<time::Date> {
    time::Date::parse(text, DATE).map_err(|_| {
        ApiError::invalid("invalid_expiry", format!("expiry '{text}' is not a date: write it as YYYY-MM-DD"))
    })
}
