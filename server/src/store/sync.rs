//! What devices read to catch up: a snapshot of the unit projection, page by page, with each unit's recent
//! history (SYNC.md: a new device bootstraps from a snapshot plus a bounded history window, then pulls).

use super::{EventRecord, StoreError, UnitRecord};

/// One page of the projection, read in one transaction together with the tenant's head seq.
#[derive(Debug, Clone)]
pub struct SnapshotPage {
    /// The tenant's last seq when the page was read: every unit on it includes all events up to here.
    pub head_seq: i64,
    pub log_epoch: String,
    /// Ordered by unit id, after the page's `after`.
    pub units: Vec<UnitRecord>,
}

#[async_trait::async_trait]
pub trait SyncStore {
    /// Up to `limit` units with id > `after`, read consistently with the tenant's head seq.
    async fn snapshot_page(&self, tenant_id: &str, after: &str, limit: i64) -> Result<SnapshotPage, StoreError>;
    /// The newest `per_unit` events of each of these units (of the tenant), newest first per unit.
    async fn recent_events(
        &self,
        tenant_id: &str,
        unit_ids: &[String],
        per_unit: i64,
    ) -> Result<Vec<EventRecord>, StoreError>;
}
