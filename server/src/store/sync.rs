//! What devices read to catch up: a snapshot of the unit projection, page by page, with each unit's recent
//! history (docs/SYNC.md, "Bootstrap": a snapshot plus a bounded history window, then pulls).

use super::{EscalationRecord, EventRecord, NewEvent, OpResultRecord, PoolHoldRecord, StoreError, UnitRecord};

/// One page of the projection, read in one transaction together with the tenant's head seq.
#[derive(Debug, Clone)]
pub struct SnapshotPage {
    /// The tenant's last seq when the page was read: every unit on it includes all events up to here.
    pub head_seq: i64,
    pub log_epoch: String,
    /// Ordered by unit id, after the page's `after`.
    pub units: Vec<UnitRecord>,
}

/// Everything a push batch touches, read inside the push transaction with the device's row and the tenant's
/// counter locked (docs/SYNC.md, push step 2), so the decision sees exactly what it will write over.
#[derive(Debug, Clone)]
pub struct PushContext {
    pub last_processed_device_seq: i64,
    pub head_seq: i64,
    /// The units the batch names that exist.
    pub units: Vec<UnitRecord>,
    /// The last event of each of those units: who changed it last, for a refusal's "what the server had".
    pub last_events: Vec<EventRecord>,
    /// Results already stored for op ids of the batch (duplicates).
    pub stored_results: Vec<OpResultRecord>,
    /// The pool rows of the units the batch names: commissioning a pooled serial needs it assigned (and, when
    /// a device reserved it, that device).
    pub pool: Vec<PoolHoldRecord>,
}

/// What a push decided, written in the same transaction.
#[derive(Debug, Clone, Default)]
pub struct PushWrites {
    /// New events, in order; they get seqs `head_seq + 1 …`.
    pub events: Vec<NewEvent>,
    /// The final row of every unit the batch created or changed.
    pub units: Vec<UnitRecord>,
    /// Newly decided results; each refused one comes with the op's full payload.
    pub results: Vec<(OpResultRecord, Option<String>)>,
    pub last_processed_device_seq: i64,
    /// One audit entry per newly decided op, accepted or refused (docs/AUDIT.md).
    pub audit: Vec<super::AuditEntry>,
}

/// What [`SyncStore::push`]'s [`StoreError::Conflict`] names when the device id belongs to another tenant.
pub const DEVICE_OF_ANOTHER_TENANT: &str = "a device with this id in another organisation";

/// A push decision, run inside the store's transaction.
pub type DecidePush<'a> = &'a mut (dyn FnMut(PushContext) -> PushWrites + Send);

#[async_trait::async_trait]
pub trait SyncStore {
    /// Runs one push batch of `device_id` in one transaction: reads the [`PushContext`] for the units named by
    /// `(product_id, serial)` and the `op_ids`, lets `decide` decide, and writes what it returns — all or
    /// nothing. A device id that belongs to another tenant is a [`StoreError::Conflict`]. Returns the head seq
    /// after the push.
    async fn push(
        &self,
        tenant_id: &str,
        device_id: &str,
        units: &[(String, String)],
        op_ids: &[String],
        decide: DecidePush<'_>,
    ) -> Result<i64, StoreError>;
    /// The results of a device's ops with device_seq > `after`, ascending, at most `limit`.
    async fn device_results(
        &self,
        tenant_id: &str,
        device_id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<OpResultRecord>, StoreError>;
    /// Up to `limit` units with id > `after`, read consistently with the tenant's head seq.
    async fn snapshot_page(&self, tenant_id: &str, after: &str, limit: i64) -> Result<SnapshotPage, StoreError>;
    /// Escalates a refused op of the tenant to its supervisors; escalating it again changes nothing. `None` when
    /// the tenant has no refused op with this id.
    async fn escalate(
        &self,
        tenant_id: &str,
        op_id: &str,
        by: &str,
        note: Option<&str>,
    ) -> Result<Option<EscalationRecord>, StoreError>;
    /// The tenant's escalations, open ones only or all, the oldest open first, at most `limit`.
    async fn escalations(
        &self,
        tenant_id: &str,
        open_only: bool,
        limit: i64,
    ) -> Result<Vec<EscalationRecord>, StoreError>;
    /// Marks an escalation settled by a supervisor (settling again keeps the first settlement). `None` when
    /// the tenant has no escalation with this op id.
    async fn settle_escalation(
        &self,
        tenant_id: &str,
        op_id: &str,
        by: &str,
        note: &str,
    ) -> Result<Option<EscalationRecord>, StoreError>;
    /// The newest `per_unit` events of each of these units (of the tenant), newest first per unit.
    async fn recent_events(
        &self,
        tenant_id: &str,
        unit_ids: &[String],
        per_unit: i64,
    ) -> Result<Vec<EventRecord>, StoreError>;
}
