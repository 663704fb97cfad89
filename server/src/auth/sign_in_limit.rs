//! Slows down password guessing: after a few failed sign-ins for one username, further attempts for it are
//! refused for a while. Kept in memory: each server counts its own attempts, which still bounds guesses to a
//! handful per window per server.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct SignInLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Default for SignInLimiter {
    fn default() -> Self {
        Self::new(5, Duration::from_secs(15 * 60))
    }
}

impl SignInLimiter {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        Self { max_failures, window, failures: Mutex::new(HashMap::new()) }
    }

    /// `Some(wait)` when the username has used up its failures in the current window.
    pub fn blocked_for(&self, username: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let recent = failures.entry(username.to_lowercase()).or_default();
        recent.retain(|at| now.duration_since(*at) < self.window);
        (recent.len() >= self.max_failures).then(|| self.window.saturating_sub(now.duration_since(recent[0])))
    }

    pub fn record_failure(&self, username: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Bounds memory under a flood of made-up usernames: forget everyone rather than grow without limit.
        if failures.len() > 100_000 {
            failures.clear();
        }
        failures.entry(username.to_lowercase()).or_default().push(Instant::now());
    }

    pub fn record_success(&self, username: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&username.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_is_blocked_after_too_many_failures() {
        let limiter = SignInLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.blocked_for("Ada").is_none());
            limiter.record_failure("ada");
        }
        assert!(limiter.blocked_for("ADA").is_some());
        assert!(limiter.blocked_for("bob").is_none());
        limiter.record_success("ada");
        assert!(limiter.blocked_for("ada").is_none());
    }
}
