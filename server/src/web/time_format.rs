//! Times leave the API as RFC 3339 strings in UTC (`2026-11-23T06:50:00.123Z`).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub fn rfc3339(millis: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_default()
}
