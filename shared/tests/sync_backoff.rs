//! The retry schedule: exponential backoff with full jitter, capped near a minute, and the idle poll interval.

use proptest::prelude::*;
use serialtrack_shared::sync::*;
use std::time::Duration;

#[test]
fn the_bound_doubles_with_each_failure_until_the_cap() {
    let cases = [
        ("after the first failure", 1, 1),
        ("after the second", 2, 2),
        ("after the third", 3, 4),
        ("after the sixth", 6, 32),
        ("after the seventh, capped", 7, 60),
        ("after a hundred, still capped", 100, 60),
        ("before any failure, as after the first", 0, 1),
    ];
    for (scenario, failures, bound_seconds) in cases {
        let almost_one = 1.0 - f64::EPSILON;
        let longest = backoff_delay(failures, almost_one);
        let bound = Duration::from_secs(bound_seconds);
        assert!(longest <= bound && longest > bound.mul_f64(0.999), "{scenario}: {longest:?} for bound {bound:?}");
        assert_eq!(backoff_delay(failures, 0.0), Duration::ZERO, "{scenario}: full jitter reaches zero");
    }
}

#[test]
fn random_numbers_outside_zero_to_one_are_clamped() {
    assert_eq!(backoff_delay(3, -5.0), Duration::ZERO);
    assert_eq!(backoff_delay(3, 7.0), Duration::from_secs(4));
    assert_eq!(backoff_delay(3, f64::NAN), Duration::ZERO);
    assert_eq!(poll_interval(2.0), Duration::from_secs(60));
}

proptest! {
    #[test]
    fn a_delay_never_exceeds_the_cap_and_grows_with_the_random_number(failures in 0u32..1000, low in 0.0f64..1.0, high in 0.0f64..1.0) {
        let (low, high) = if low <= high { (low, high) } else { (high, low) };
        prop_assert!(backoff_delay(failures, high) <= BACKOFF_CAP);
        prop_assert!(backoff_delay(failures, low) <= backoff_delay(failures, high));
    }

    #[test]
    fn the_idle_poll_interval_stays_between_30_and_60_seconds(random in 0.0f64..1.0) {
        let interval = poll_interval(random);
        prop_assert!(interval >= Duration::from_secs(30) && interval <= Duration::from_secs(60));
    }
}
