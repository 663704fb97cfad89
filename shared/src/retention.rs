//! How long a unit's history is kept, when it leaves the hot tables for the archive, and when it is purged
//! (docs/RETENTION.md). A pure rule both the server's retention job and its dry run apply: given a product's
//! policy, a history's age and whether a legal hold covers it, where the history belongs today.
//!
//! A history comes to rest at its last event, or (counted from expiry) at the later of its last event and the
//! unit's expiry date: a pack on a shelf until it expires is not at rest. It is archived `archive_after_years`
//! after that and purged `keep_years` after it. A legal hold on the product, the lot or the unit keeps the
//! history where it is until the hold is lifted.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// What a retention period is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CountedFrom {
    /// The history's last event.
    LastEvent,
    /// The later of the last event and the unit's expiry (the last event when it has none).
    Expiry,
}

/// A product's retention (the tenant's default where the product has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicy {
    /// Years a history is kept after it comes to rest; `None`: kept for ever (regulated industries).
    #[cfg_attr(feature = "utoipa", schema(minimum = 1, maximum = 100))]
    pub keep_years: Option<u16>,
    /// Years after which it moves to the archive; `None`: it stays in the hot tables until purged.
    #[cfg_attr(feature = "utoipa", schema(minimum = 1, maximum = 100))]
    pub archive_after_years: Option<u16>,
    pub counted_from: CountedFrom,
}

impl Default for RetentionPolicy {
    /// Seven years (tax, financial and most pharmaceutical rules), archived after two, counted from expiry.
    fn default() -> Self {
        Self { keep_years: Some(7), archive_after_years: Some(2), counted_from: CountedFrom::Expiry }
    }
}

/// The longest period a policy may name: a century.
pub const MAX_YEARS: u16 = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PolicyError {
    #[error("a retention period is 1 to 100 years; {years} is not")]
    KeepYears { years: u16 },
    #[error("archiving happens 1 to 100 years after a history comes to rest; {years} is not")]
    ArchiveYears { years: u16 },
    #[error(
        "a history is archived before it is purged: archive after fewer years ({archive}) than it is kept ({keep})"
    )]
    ArchiveAfterPurge { archive: u16, keep: u16 },
}

impl RetentionPolicy {
    pub fn validate(&self) -> Result<(), PolicyError> {
        let in_range = |years: u16| (1..=MAX_YEARS).contains(&years);
        if let Some(years) = self.keep_years.filter(|years| !in_range(*years)) {
            return Err(PolicyError::KeepYears { years });
        }
        if let Some(years) = self.archive_after_years.filter(|years| !in_range(*years)) {
            return Err(PolicyError::ArchiveYears { years });
        }
        match (self.archive_after_years, self.keep_years) {
            (Some(archive), Some(keep)) if archive >= keep => Err(PolicyError::ArchiveAfterPurge { archive, keep }),
            _ => Ok(()),
        }
    }

    /// The day a history at rest since `rest` is due to be archived, if this policy archives.
    pub fn archive_on(&self, rest: Date) -> Option<Date> {
        self.archive_after_years.map(|years| years_after(rest, years))
    }

    /// The day a history at rest since `rest` is due to be purged, if this policy purges.
    pub fn purge_on(&self, rest: Date) -> Option<Date> {
        self.keep_years.map(|years| years_after(rest, years))
    }

    /// The day a history comes to rest.
    pub fn rest(&self, last_event: Date, expiry: Option<Date>) -> Date {
        match (self.counted_from, expiry) {
            (CountedFrom::Expiry, Some(expiry)) => last_event.max(expiry),
            _ => last_event,
        }
    }
}

/// Where a history belongs, in the order it moves: hot, then archived, then purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Hot,
    Archived,
    Purged,
}

/// What the retention job does with one history today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum Fate {
    /// It is where it belongs.
    Stays,
    /// It moves on: to the archive, or purged.
    Moves { to: Place },
    /// It is due to move, but a legal hold keeps it where it is.
    Held { due: Place },
}

/// Where a history at rest since `rest` belongs on `today` under `policy`.
pub fn place(policy: &RetentionPolicy, rest: Date, today: Date) -> Place {
    if policy.purge_on(rest).is_some_and(|day| today >= day) {
        Place::Purged
    } else if policy.archive_on(rest).is_some_and(|day| today >= day) {
        Place::Archived
    } else {
        Place::Hot
    }
}

/// What to do today with a history that is now at `now`. A history never moves back (an archived one that a
/// later policy would keep hot stays archived), and a held one does not move at all.
pub fn fate(policy: &RetentionPolicy, rest: Date, today: Date, now: Place, held: bool) -> Fate {
    let due = place(policy, rest, today);
    match (due > now, held) {
        (false, _) => Fate::Stays,
        (true, true) => Fate::Held { due },
        (true, false) => Fate::Moves { to: due },
    }
}

/// What a legal hold covers: a whole product, one lot of it, or one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum HoldScope {
    Product { product_id: String },
    Lot { product_id: String, lot: String },
    Unit { unit_id: String },
}

impl HoldScope {
    /// Whether the hold covers the unit `unit_id` of `product_id`, lot `lot`.
    pub fn covers(&self, product_id: &str, lot: Option<&str>, unit_id: &str) -> bool {
        match self {
            HoldScope::Product { product_id: held } => held == product_id,
            HoldScope::Lot { product_id: held, lot: held_lot } => held == product_id && lot == Some(held_lot.as_str()),
            HoldScope::Unit { unit_id: held } => held == unit_id,
        }
    }
}

/// `years` calendar years after `day`; 29 February becomes 28 February in a year without it.
pub fn years_after(day: Date, years: u16) -> Date {
    let year = day.year() + i32::from(years);
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const SEVEN_AFTER_TWO: RetentionPolicy =
        RetentionPolicy { keep_years: Some(7), archive_after_years: Some(2), counted_from: CountedFrom::LastEvent };

    #[test]
    fn a_history_is_hot_then_archived_then_purged() {
        // Given a history at rest since 2020-03-15 under "keep 7, archive after 2", then on each day it is here.
        let rest = date!(2020 - 03 - 15);
        let given_then = [
            (date!(2020 - 03 - 15), Place::Hot),
            (date!(2022 - 03 - 14), Place::Hot),
            (date!(2022 - 03 - 15), Place::Archived),
            (date!(2027 - 03 - 14), Place::Archived),
            (date!(2027 - 03 - 15), Place::Purged),
        ];
        for (today, belongs) in given_then {
            assert_eq!(place(&SEVEN_AFTER_TWO, rest, today), belongs, "{today}");
        }
    }

    #[test]
    fn counted_from_expiry_a_history_rests_at_the_later_of_its_last_event_and_its_expiry() {
        let policy = RetentionPolicy { counted_from: CountedFrom::Expiry, ..SEVEN_AFTER_TWO };
        let given_then = [
            ((date!(2021 - 01 - 10), Some(date!(2024 - 06 - 30))), date!(2024 - 06 - 30)),
            ((date!(2025 - 01 - 10), Some(date!(2024 - 06 - 30))), date!(2025 - 01 - 10)),
            ((date!(2021 - 01 - 10), None), date!(2021 - 01 - 10)),
        ];
        for ((last_event, expiry), rest) in given_then {
            assert_eq!(policy.rest(last_event, expiry), rest);
        }
        assert_eq!(SEVEN_AFTER_TWO.rest(date!(2021 - 01 - 10), Some(date!(2024 - 06 - 30))), date!(2021 - 01 - 10));
    }

    #[test]
    fn a_held_history_does_not_move_and_a_moved_one_never_moves_back() {
        let rest = date!(2010 - 01 - 01);
        let today = date!(2026 - 12 - 04);
        let given_then = [
            ((Place::Hot, false), Fate::Moves { to: Place::Purged }),
            ((Place::Hot, true), Fate::Held { due: Place::Purged }),
            ((Place::Archived, true), Fate::Held { due: Place::Purged }),
            ((Place::Purged, false), Fate::Stays),
        ];
        for ((now, held), then) in given_then {
            assert_eq!(fate(&SEVEN_AFTER_TWO, rest, today, now, held), then, "{now:?} held {held}");
        }
        // An archived history stays archived under a policy that would now keep it hot.
        let longer = RetentionPolicy { keep_years: Some(30), archive_after_years: Some(20), ..SEVEN_AFTER_TWO };
        assert_eq!(fate(&longer, rest, today, Place::Archived, false), Fate::Stays);
    }

    #[test]
    fn kept_for_ever_is_never_purged_and_never_archived_goes_straight_to_purge() {
        let rest = date!(1990 - 01 - 01);
        let today = date!(2026 - 12 - 04);
        let for_ever = RetentionPolicy { keep_years: None, ..SEVEN_AFTER_TWO };
        assert_eq!(place(&for_ever, rest, today), Place::Archived);
        let unarchived = RetentionPolicy { archive_after_years: None, ..SEVEN_AFTER_TWO };
        assert_eq!(place(&unarchived, rest, today), Place::Purged);
        assert_eq!(place(&unarchived, date!(2024 - 01 - 01), today), Place::Hot);
    }

    #[test]
    fn a_policy_names_what_is_wrong_with_it() {
        let given_then = [
            (RetentionPolicy { keep_years: Some(0), ..SEVEN_AFTER_TWO }, Some(PolicyError::KeepYears { years: 0 })),
            (
                RetentionPolicy { archive_after_years: Some(101), keep_years: None, ..SEVEN_AFTER_TWO },
                Some(PolicyError::ArchiveYears { years: 101 }),
            ),
            (
                RetentionPolicy { archive_after_years: Some(7), ..SEVEN_AFTER_TWO },
                Some(PolicyError::ArchiveAfterPurge { archive: 7, keep: 7 }),
            ),
            (SEVEN_AFTER_TWO, None),
            (RetentionPolicy::default(), None),
        ];
        for (policy, error) in given_then {
            assert_eq!(policy.validate().err(), error, "{policy:?}");
        }
    }

    #[test]
    fn a_hold_covers_its_product_its_lot_or_its_unit() {
        let holds = [
            (HoldScope::Product { product_id: "p1".into() }, [true, true, false]),
            (HoldScope::Lot { product_id: "p1".into(), lot: "L1".into() }, [true, false, false]),
            (HoldScope::Unit { unit_id: "u2".into() }, [false, true, false]),
        ];
        let units = [("p1", Some("L1"), "u1"), ("p1", Some("L2"), "u2"), ("p2", Some("L1"), "u3")];
        for (hold, covered) in holds {
            for ((product, lot, unit), then) in units.iter().zip(covered) {
                assert_eq!(hold.covers(product, *lot, unit), then, "{hold:?} {unit}");
            }
        }
    }

    #[test]
    fn years_after_a_leap_day_land_on_the_last_day_of_february() {
        assert_eq!(years_after(date!(2024 - 02 - 29), 7), date!(2031 - 02 - 28));
        assert_eq!(years_after(date!(2024 - 02 - 29), 4), date!(2028 - 02 - 29));
    }

    fn policies() -> impl Strategy<Value = RetentionPolicy> {
        (prop::option::of(1u16..=MAX_YEARS), prop::option::of(1u16..=MAX_YEARS), any::<bool>())
            .prop_map(|(keep, archive, expiry)| RetentionPolicy {
                keep_years: keep,
                archive_after_years: archive,
                counted_from: if expiry { CountedFrom::Expiry } else { CountedFrom::LastEvent },
            })
            .prop_filter("valid", |policy| policy.validate().is_ok())
    }

    fn days() -> impl Strategy<Value = Date> {
        (0i32..80_000).prop_map(|offset| date!(1950 - 01 - 01) + time::Duration::days(i64::from(offset)))
    }

    proptest! {
        #[test]
        fn a_place_only_moves_forward_as_days_pass(policy in policies(), rest in days(), a in days(), b in days()) {
            let (earlier, later) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(place(&policy, rest, earlier) <= place(&policy, rest, later));
        }

        #[test]
        fn nothing_is_purged_before_its_period_nor_kept_for_ever_purged(policy in policies(), rest in days(), today in days()) {
            let purged = place(&policy, rest, today) == Place::Purged;
            match policy.purge_on(rest) {
                Some(day) => prop_assert_eq!(purged, today >= day),
                None => prop_assert!(!purged),
            }
        }

        #[test]
        fn a_held_history_never_moves(policy in policies(), rest in days(), today in days(), now in 0usize..3) {
            let now = [Place::Hot, Place::Archived, Place::Purged][now];
            let moved = matches!(fate(&policy, rest, today, now, true), Fate::Moves { .. });
            prop_assert!(!moved);
        }
    }
}
