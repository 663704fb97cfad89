//! The event log and the unit projection kept beside it, written in the same transactions.

use super::audit::CommandAudit;
use super::{
    AuditEntry, EventRecord, NewEvent, NewUnit, OpResultRecord, StoreError, TenantRecord, UnitChange, UnitRecord,
};

/// A command on its way into the log: its idempotency key, who sent it, and its full text (kept if refused).
#[derive(Debug, Clone)]
pub struct OpInput {
    pub op_id: String,
    pub unit_id: String,
    pub actor: String,
    pub device_id: Option<String>,
    pub device_seq: Option<i64>,
    /// The whole command as JSON.
    pub payload: String,
}

impl OpInput {
    /// The audit entry of this command as decided against `unit` (docs/AUDIT.md): `outcome` is what came of
    /// it (events and the new status, or the refusal's code).
    pub fn audit_entry(
        &self,
        tenant_id: &str,
        unit: &UnitRecord,
        accepted: bool,
        outcome: serde_json::Value,
    ) -> AuditEntry {
        let payload: serde_json::Value = serde_json::from_str(&self.payload).unwrap_or_default();
        let command = payload.get("command").cloned().unwrap_or(payload);
        let audit = CommandAudit {
            tenant_id,
            unit: &self.unit_id,
            actor: &self.actor,
            device_id: self.device_id.as_deref(),
            client_time: None,
            command: &command,
            status_before: Some(&unit.status),
        };
        audit.entry(accepted, outcome)
    }

    /// This op's result as both backends record an accepted command: its last event at `seq`.
    pub fn accepted(&self, tenant_id: &str, seq: i64, now: i64) -> OpResultRecord {
        OpResultRecord { outcome: "accepted".into(), seq: Some(seq), ..self.result(tenant_id, now) }
    }

    /// This op's result as both backends record a refused command: the reason and the unit's state then.
    pub fn refused(
        &self,
        tenant_id: &str,
        unit_state: &str,
        code: String,
        message: String,
        now: i64,
    ) -> OpResultRecord {
        OpResultRecord {
            outcome: "refused".into(),
            reason_code: Some(code),
            reason_message: Some(message),
            unit_state: Some(unit_state.to_owned()),
            ..self.result(tenant_id, now)
        }
    }

    fn result(&self, tenant_id: &str, now: i64) -> OpResultRecord {
        OpResultRecord {
            op_id: self.op_id.clone(),
            tenant_id: tenant_id.to_owned(),
            device_id: self.device_id.clone(),
            device_seq: self.device_seq,
            outcome: String::new(),
            seq: None,
            reason_code: None,
            reason_message: None,
            unit_state: None,
            recorded_at: now,
            last_change: None,
        }
    }

    /// The log's events of this command, from what the state machine decided (kind, payload JSON), in order.
    pub fn new_events(&self, decided: impl IntoIterator<Item = (String, String)>) -> Vec<NewEvent> {
        decided
            .into_iter()
            .enumerate()
            .map(|(index, (kind, payload))| NewEvent {
                op_id: self.op_id.clone(),
                op_index: index as i64,
                unit_id: self.unit_id.clone(),
                kind,
                payload,
                actor: self.actor.clone(),
                device_id: self.device_id.clone(),
                device_seq: self.device_seq,
            })
            .collect()
    }
}

/// What the state machine made of a command against the unit as it is inside the transaction.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Append these events (kind, JSON payload) and leave the unit like this.
    Accept {
        events: Vec<(String, String)>,
        change: UnitChange,
    },
    Refuse {
        code: String,
        message: String,
    },
}

/// How a command ended.
#[derive(Debug, Clone)]
pub enum OpOutcome {
    Accepted {
        events: Vec<EventRecord>,
        unit: UnitRecord,
    },
    Refused {
        result: OpResultRecord,
        unit: Box<UnitRecord>,
    },
    /// The op id was seen before: here is what was answered then; nothing changed.
    Repeated {
        result: OpResultRecord,
    },
}

/// Decides a command against the unit's current row; called inside the store's transaction.
pub type Decide<'a> = &'a (dyn Fn(&UnitRecord) -> Decision + Send + Sync);

#[async_trait::async_trait]
pub trait LogStore {
    /// Creates units and their first events in one transaction with consecutive seqs; all or none (an existing
    /// unit is a [`StoreError::Conflict`]). `events[i]` belongs to `units[i]`. Returns the last seq.
    async fn units_register(&self, tenant_id: &str, units: &[NewUnit], events: &[NewEvent]) -> Result<i64, StoreError>;
    /// Appends events decided elsewhere (an import of another system's history, a benchmark's synthetic
    /// history) with consecutive seqs, without touching the projection: run a rebuild afterwards when they
    /// change units. Returns the last seq.
    async fn events_append(&self, tenant_id: &str, events: &[NewEvent]) -> Result<i64, StoreError>;
    /// Which of these serials of a product are units already.
    async fn units_existing(
        &self,
        tenant_id: &str,
        product_id: &str,
        serials: &[String],
    ) -> Result<Vec<String>, StoreError>;
    async fn unit(&self, tenant_id: &str, unit_id: &str) -> Result<Option<UnitRecord>, StoreError>;
    async fn unit_by_serial(
        &self,
        tenant_id: &str,
        product_id: &str,
        serial: &str,
    ) -> Result<Option<UnitRecord>, StoreError>;
    /// A unit's events, newest first, older than `before_seq` when given.
    async fn unit_history(
        &self,
        tenant_id: &str,
        unit_id: &str,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError>;
    /// Runs one command through `decide` with the unit locked and records the outcome; an op id seen before
    /// answers what it answered then. A missing unit is [`StoreError::NotFound`].
    async fn unit_apply(&self, tenant_id: &str, op: OpInput, decide: Decide<'_>) -> Result<OpOutcome, StoreError>;
    /// The tenant's events with seq > `after`, ascending.
    async fn events_since(&self, tenant_id: &str, after: i64, limit: i64) -> Result<Vec<EventRecord>, StoreError>;
    async fn op_result(&self, tenant_id: &str, op_id: &str) -> Result<Option<OpResultRecord>, StoreError>;
    /// The full command text of a refused op.
    async fn refused_payload(&self, tenant_id: &str, op_id: &str) -> Result<Option<String>, StoreError>;

    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError>;
    /// The tenant's unit projection, ordered by unit id, after `after_id`.
    async fn projection(&self, tenant_id: &str, after_id: &str, limit: i64) -> Result<Vec<UnitRecord>, StoreError>;
    /// Replaces the tenant's whole unit projection in one transaction (used by `serialtrack rebuild`).
    async fn projection_replace(&self, tenant_id: &str, units: &[UnitRecord]) -> Result<(), StoreError>;
}
