//! The device's clock, read in one place: the browser's `Date`. The server orders and times the log; the
//! device's time goes with an op as its `client_time` and stamps what the device keeps (`docs/SYNC.md`).

/// Now, by the device's clock.
pub fn now() -> time::OffsetDateTime {
    let millis = js_sys::Date::now() as i128;
    time::OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Now in ms since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A time the device stored (`now_iso`) in ms since the epoch; None when it is not a time.
pub fn ms_of(iso: &str) -> Option<f64> {
    Some(js_sys::Date::parse(iso)).filter(|ms| ms.is_finite())
}

/// Now as RFC 3339 text with milliseconds, as the device stores its times.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}
