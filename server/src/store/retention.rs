//! Retention's storage (docs/RETENTION.md): the organisation's policy, legal holds, the units at rest that a
//! run looks at, and the two moves — archive (into a segment) and purge — each one transaction with its
//! audit entry. Which unit moves where is decided above the store, by the shared rule (`domain/retention.rs`).

use super::StoreError;
use serde::Serialize;

/// A legal hold as stored. `scope` is `product`, `lot` or `unit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HoldRecord {
    pub id: String,
    pub tenant_id: String,
    pub scope: String,
    pub product_id: String,
    pub lot: Option<String>,
    pub unit_id: Option<String>,
    pub serial: Option<String>,
    pub reason: String,
    pub placed_by: String,
    pub placed_at: i64,
    pub lifted_by: Option<String>,
    pub lifted_at: Option<i64>,
    pub lift_reason: Option<String>,
}

/// A hold to place; the store gives it its id, who and when.
#[derive(Debug, Clone)]
pub struct NewHold {
    pub tenant_id: String,
    pub scope: String,
    pub product_id: String,
    pub lot: Option<String>,
    pub unit_id: Option<String>,
    pub serial: Option<String>,
    pub reason: String,
}

/// How many units of a product are in one place.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlaceCount {
    pub product_id: String,
    pub place: String,
    pub units: i64,
}

/// A unit a run looks at: one whose last event is old enough that some policy may move it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RestingUnit {
    pub id: String,
    pub product_id: String,
    pub lot: Option<String>,
    pub place: String,
    /// The unit's state (JSON), for its expiry.
    pub state: String,
    /// When its last event was recorded, milliseconds.
    pub updated_at: i64,
}

/// What one archive or purge moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub units: u64,
    pub events: u64,
    pub entries: u64,
}

/// An archive segment as stored: its body gzipped JSON (`store/segment.rs`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SegmentRecord {
    pub id: String,
    pub tenant_id: String,
    pub created_at: i64,
    pub units: i64,
    pub events: i64,
    pub entries: i64,
    pub body_sha256: String,
    pub body: Vec<u8>,
}

/// An archived audit entry's hash as the chain keeps it, for checking the segment's fields against.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ArchivedHash {
    pub seq: i64,
    pub payload_hash: String,
}

#[async_trait::async_trait]
pub trait RetentionStore {
    /// The organisation's default policy as stored (JSON); `None`: never set, the built-in default holds.
    async fn retention_policy(&self, tenant_id: &str) -> Result<Option<String>, StoreError>;
    /// Sets the default policy (JSON), recording `retention.policy_changed` with the policy in force before (the
    /// built-in default when none was set) when it changed.
    async fn retention_policy_set(&self, tenant_id: &str, policy: &str) -> Result<(), StoreError>;
    /// The sync protocol's retention floor: every event after it is in the hot log.
    async fn retention_floor(&self, tenant_id: &str) -> Result<i64, StoreError>;

    /// The organisation's holds, newest first: standing ones, and lifted ones too with `lifted`.
    async fn holds(&self, tenant_id: &str, lifted: bool) -> Result<Vec<HoldRecord>, StoreError>;
    async fn hold_place(&self, hold: NewHold) -> Result<HoldRecord, StoreError>;
    /// Lifts a standing hold: `None` when there is no such hold, `Err` (the hold) when it was lifted already.
    async fn hold_lift(
        &self,
        tenant_id: &str,
        id: &str,
        reason: &str,
    ) -> Result<Option<Result<HoldRecord, HoldRecord>>, StoreError>;

    /// How many units of each product are hot, archived and purged.
    async fn place_counts(&self, tenant_id: &str) -> Result<Vec<PlaceCount>, StoreError>;
    /// Units not yet purged whose last event was recorded at or before `rested_by`, in id order after `after`.
    async fn resting_units(
        &self,
        tenant_id: &str,
        rested_by: i64,
        after: &str,
        limit: i64,
    ) -> Result<Vec<RestingUnit>, StoreError>;
    /// Moves the hot histories of `unit_ids` into a new archive segment, in one transaction with its audit
    /// entry (`retention.archived`, by `run`); a unit no longer hot (moved by another run) is left alone.
    async fn archive_units(&self, tenant_id: &str, unit_ids: &[String], run: &str) -> Result<Moved, StoreError>;
    /// Purges the histories of `unit_ids` (hot or archived), keeping each purged audit entry's hash, in one
    /// transaction with its audit entry (`retention.purged`, naming the entries it cleared).
    async fn purge_units(&self, tenant_id: &str, unit_ids: &[String], run: &str) -> Result<Moved, StoreError>;

    /// One archive segment of the organisation.
    async fn segment(&self, tenant_id: &str, id: &str) -> Result<Option<SegmentRecord>, StoreError>;
    /// The ids of the organisation's archive segments, oldest first.
    async fn segment_ids(&self, tenant_id: &str) -> Result<Vec<String>, StoreError>;
    /// A segment and the hashes of the entries archived into it, read in one snapshot (for the audit check).
    async fn segment_with_hashes(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<(Option<SegmentRecord>, Vec<ArchivedHash>), StoreError>;
    /// Archived entries whose segment does not exist: (segment id, its first entry's seq).
    async fn entries_of_missing_segments(&self, tenant_id: &str) -> Result<Vec<(String, i64)>, StoreError>;
}

/// Seqs as sorted, merged `[first, last]` ranges: how a retention entry names the audit entries it moved.
pub fn seq_ranges(mut seqs: Vec<i64>) -> Vec<[i64; 2]> {
    seqs.sort_unstable();
    seqs.dedup();
    let mut ranges: Vec<[i64; 2]> = Vec::new();
    for seq in seqs {
        match ranges.last_mut() {
            Some(range) if range[1] + 1 == seq => range[1] = seq,
            _ => ranges.push([seq, seq]),
        }
    }
    ranges
}

/// Ranges sorted and merged where they touch or overlap.
pub fn seq_ranges_merged(mut ranges: Vec<[i64; 2]>) -> Vec<[i64; 2]> {
    ranges.sort_unstable();
    let mut merged: Vec<[i64; 2]> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range[0] <= last[1] + 1 => last[1] = last[1].max(range[1]),
            _ => merged.push(range),
        }
    }
    merged
}

/// The fields of a purged unit's state that go with its history: where it was, whose it was, what it was
/// packed in or ordered for, how it was decommissioned. What stays says that it existed (its product and serial,
/// lot, expiry, last status and dates), so the serial is never issued again. Each backend sets them to null in
/// one statement per batch (`purged_state_expression` beside it).
pub const PURGED_FIELDS: [&str; 6] = ["location", "owner", "parent", "order", "decommissioned", "replaced_by"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seqs_become_merged_ranges() {
        let given_then = [
            (vec![], vec![]),
            (vec![5], vec![[5, 5]]),
            (vec![7, 5, 6, 9, 10, 12], vec![[5, 7], [9, 10], [12, 12]]),
            (vec![3, 3, 4], vec![[3, 4]]),
        ];
        for (seqs, ranges) in given_then {
            assert_eq!(seq_ranges(seqs.clone()), ranges, "{seqs:?}");
        }
    }

    #[test]
    fn ranges_merge_where_they_touch_or_overlap() {
        assert_eq!(
            seq_ranges_merged(vec![[9, 12], [1, 3], [4, 4], [11, 15], [20, 20]]),
            vec![[1, 4], [9, 15], [20, 20]]
        );
    }
}
