//! The server's clock for what is decided by the calendar (retention's "today"). It is the system clock,
//! moved by an offset that only tests set: retention is tested across years (archive, hold, purge) on a
//! database written today, without waiting for them.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the system clock.
    offset: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::milliseconds(self.offset.load(Ordering::Relaxed))
    }

    pub fn now_millis(&self) -> i64 {
        (self.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// Today's date in UTC.
    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// Moves this clock (and every copy of it) forward by `by`: for tests only.
    pub fn advance(&self, by: Duration) {
        self.offset.fetch_add(by.whole_milliseconds() as i64, Ordering::Relaxed);
    }
}
