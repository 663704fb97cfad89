//! When to try again: exponential backoff with full jitter after failures, and the idle poll interval.
//!
//! Full jitter (a uniform delay between zero and the exponential bound) spreads out tablets that all lost the
//! network at the same moment, so they do not hammer the server in step when it comes back. The random
//! number is passed in: `shared` has no randomness, and tests choose it.

use std::time::Duration;

/// The bound after the first failure.
pub const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// No wait is ever longer: a device that comes back online syncs within about a minute.
pub const BACKOFF_CAP: Duration = Duration::from_secs(60);
/// With nothing failing, a device still pulls every 30–60 s in case a poke was missed.
pub const POLL_MIN: Duration = Duration::from_secs(30);
pub const POLL_MAX: Duration = Duration::from_secs(60);

/// The wait after `failures` failures in a row (1 after the first): uniform in `[0, min(cap, base·2^(failures-1))]`.
/// `random` is a number in `[0, 1)`; values outside are clamped.
pub fn backoff_delay(failures: u32, random: f64) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    let bound = BACKOFF_BASE.saturating_mul(1 << exponent).min(BACKOFF_CAP);
    bound.mul_f64(unit_interval(random))
}

/// The wait before the next routine sync: uniform in `[POLL_MIN, POLL_MAX]`.
pub fn poll_interval(random: f64) -> Duration {
    POLL_MIN + (POLL_MAX - POLL_MIN).mul_f64(unit_interval(random))
}

fn unit_interval(random: f64) -> f64 {
    if random.is_nan() {
        return 0.0;
    }
    random.clamp(0.0, 1.0)
}
