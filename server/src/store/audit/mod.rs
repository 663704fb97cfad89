//! The audit trail's storage (docs/AUDIT.md): what a write records ([`AuditEntry`]), the rows as stored
//! ([`AuditRecord`]), the chain's hashing ([`chain`]), who is writing ([`who`]) and the reads of
//! [`AuditStore`]. Every write of the store appends its entries through the one function each backend's
//! `audit_append` (SQL in `store/sql/audit.rs`) in the same transaction as the change.

pub mod chain;
pub mod who;

use super::StoreError;
use serde::Serialize;

/// The chain the server keeps for what belongs to no organisation (a sign-in with an unknown username).
pub const SERVER_CHAIN: &str = "server";

/// One audit entry on its way into its tenant's chain (seq, time and hashes are given when it is appended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub tenant_id: String,
    /// What happened, `object.verb`: `product.created`, `unit.command`, `session.sign_in_failed` …
    pub action: String,
    /// `user:ada`, `key:line-1`, `system`, `anonymous`.
    pub actor: String,
    /// The actor's organisation when it is not this chain's (a brand owner assigning into a partner's pool).
    pub actor_tenant: Option<String>,
    /// The device the change came from (a sync push, a device block).
    pub device_id: Option<String>,
    /// The device's clock when the change was made offline (the op's `client_time`), milliseconds.
    pub client_time: Option<i64>,
    pub object_kind: String,
    pub object_id: String,
    /// The fields that changed, as they were (JSON).
    pub old_value: Option<String>,
    /// The fields that changed, as they are now (JSON).
    pub new_value: Option<String>,
    /// Why, where the command carries a reason.
    pub reason: Option<String>,
}

impl AuditEntry {
    /// An entry by the caller of the request being served ([`who::current`]).
    pub fn new(tenant_id: &str, action: &str, object_kind: &str, object_id: &str) -> Self {
        let who = who::current();
        let actor_tenant = who.tenant_id.filter(|actor_tenant| actor_tenant != tenant_id);
        Self {
            tenant_id: tenant_id.to_owned(),
            action: action.to_owned(),
            actor: who.actor,
            actor_tenant,
            device_id: None,
            client_time: None,
            object_kind: object_kind.to_owned(),
            object_id: object_id.to_owned(),
            old_value: None,
            new_value: None,
            reason: None,
        }
    }

    /// Names the actor explicitly (a unit command carries its own: the op's actor).
    pub fn by(mut self, actor: &str) -> Self {
        actor.clone_into(&mut self.actor);
        self
    }

    pub fn old(mut self, value: serde_json::Value) -> Self {
        self.old_value = Some(value.to_string());
        self
    }

    pub fn new_value(mut self, value: serde_json::Value) -> Self {
        self.new_value = Some(value.to_string());
        self
    }

    /// Adds `"serials": count` to the new value (how many serials a pool action or an export touched).
    pub fn serials(mut self, count: usize) -> Self {
        let mut value: serde_json::Value =
            self.new_value.as_deref().and_then(|text| serde_json::from_str(text).ok()).unwrap_or(serde_json::json!({}));
        if let Some(object) = value.as_object_mut() {
            object.insert("serials".into(), count.into());
        }
        self.new_value = Some(value.to_string());
        self
    }

    pub fn device(mut self, device_id: Option<&str>) -> Self {
        self.device_id = device_id.map(str::to_owned);
        self
    }

    pub fn client_time(mut self, client_time: Option<i64>) -> Self {
        self.client_time = client_time;
        self
    }

    pub fn reason(mut self, reason: Option<String>) -> Self {
        self.reason = reason.filter(|reason| !reason.is_empty());
        self
    }

    /// The fields its `payload_hash` covers, at server time `at`.
    pub fn payload(&self, at: i64) -> chain::Payload<'_> {
        chain::Payload {
            at,
            client_time: self.client_time,
            action: Some(&self.action),
            actor: Some(&self.actor),
            actor_tenant: self.actor_tenant.as_deref(),
            device_id: self.device_id.as_deref(),
            object_kind: Some(&self.object_kind),
            object_id: Some(&self.object_id),
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
            reason: self.reason.as_deref(),
        }
    }
}

/// An entry as stored. The fields after `at` are `None` only after a purge (`purged_at`) or while they are in
/// an archive segment (`archived_in`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub tenant_id: String,
    pub seq: i64,
    pub at: i64,
    pub client_time: Option<i64>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub actor_tenant: Option<String>,
    pub device_id: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub payload_hash: String,
    pub prev_hash: String,
    pub hash: String,
    pub purged_at: Option<i64>,
    /// The archive segment holding the fields (docs/RETENTION.md); they are `None` here meanwhile.
    pub archived_in: Option<String>,
}

impl AuditRecord {
    /// The fields as stored, for recomputing `payload_hash`.
    pub fn payload(&self) -> chain::Payload<'_> {
        chain::Payload {
            at: self.at,
            client_time: self.client_time,
            action: self.action.as_deref(),
            actor: self.actor.as_deref(),
            actor_tenant: self.actor_tenant.as_deref(),
            device_id: self.device_id.as_deref(),
            object_kind: self.object_kind.as_deref(),
            object_id: self.object_id.as_deref(),
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
            reason: self.reason.as_deref(),
        }
    }
}

/// A chain's head: its last seq and that entry's hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditHeadRecord {
    pub tenant_id: String,
    pub seq: i64,
    pub hash: String,
}

/// A signed checkpoint of a chain (docs/AUDIT.md, "Checkpoints"); keys and signatures in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct AuditCheckpointRecord {
    pub tenant_id: String,
    pub seq: i64,
    pub hash: String,
    pub at: i64,
    pub public_key: String,
    pub signature: String,
}

/// What the audit list is narrowed to; entries come in seq order after `after`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    /// Server time at or after, milliseconds.
    pub from: Option<i64>,
    /// Server time before, milliseconds.
    pub to: Option<i64>,
    pub after: i64,
    pub limit: i64,
}

/// Called with each entry of a chain in seq order; returns false to stop.
pub type VisitEntry<'a> = &'a mut (dyn FnMut(AuditRecord) -> bool + Send);

#[async_trait::async_trait]
pub trait AuditStore {
    /// Appends one entry in a transaction of its own: for what writes nothing else (an export, a download).
    async fn audit_record(&self, entry: AuditEntry) -> Result<(), StoreError>;
    /// The tenant's entries matching the filter, in seq order.
    async fn audit_entries(&self, tenant_id: &str, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError>;
    /// Streams the tenant's whole chain in seq order to `visit`, and answers its head, all read in one snapshot.
    async fn audit_scan(&self, tenant_id: &str, visit: VisitEntry<'_>) -> Result<Option<AuditHeadRecord>, StoreError>;
    /// Every chain's head, by tenant.
    async fn audit_heads(&self) -> Result<Vec<AuditHeadRecord>, StoreError>;
    /// The head of one chain.
    async fn audit_head(&self, tenant_id: &str) -> Result<Option<AuditHeadRecord>, StoreError>;
    /// Stores a checkpoint unless the chain has one at that seq already; says whether it was stored.
    async fn audit_checkpoint_add(&self, checkpoint: &AuditCheckpointRecord) -> Result<bool, StoreError>;
    /// The checkpoints of one tenant, or of all, by tenant and seq.
    async fn audit_checkpoints(&self, tenant_id: Option<&str>) -> Result<Vec<AuditCheckpointRecord>, StoreError>;
}

/// Of two JSON objects, the fields that differ: (as they were, as they are).
pub fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> (serde_json::Value, serde_json::Value) {
    let (mut old, mut new) = (serde_json::Map::new(), serde_json::Map::new());
    if let (Some(before), Some(after)) = (before.as_object(), after.as_object()) {
        for (key, value) in after {
            let was = before.get(key).unwrap_or(&serde_json::Value::Null);
            if was != value {
                old.insert(key.clone(), was.clone());
                new.insert(key.clone(), value.clone());
            }
        }
    }
    (old.into(), new.into())
}

/// The reason a unit command carries, in words: `reason` as text, or a decommissioning's kind and text.
pub fn command_reason(command: &serde_json::Value) -> Option<String> {
    match command.get("reason")? {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Object(fields) => {
            let kind = fields.get("kind").and_then(serde_json::Value::as_str).unwrap_or_default();
            match fields.get("text").and_then(serde_json::Value::as_str).filter(|text| !text.is_empty()) {
                Some(text) => Some(format!("{kind}: {text}")),
                None => Some(kind.to_owned()),
            }
        }
        _ => None,
    }
}

/// A unit command as its audit entry records it, accepted (`unit.command`) or refused
/// (`unit.command_refused`): the command itself, what came of it, and the unit's status before.
#[derive(Debug, Clone)]
pub struct CommandAudit<'a> {
    pub tenant_id: &'a str,
    pub unit: &'a str,
    pub actor: &'a str,
    pub device_id: Option<&'a str>,
    pub client_time: Option<i64>,
    pub command: &'a serde_json::Value,
    pub status_before: Option<&'a str>,
}

impl CommandAudit<'_> {
    /// Accepted: `outcome` says the events and where the unit went; refused: the refusal's code.
    pub fn entry(&self, accepted: bool, mut outcome: serde_json::Value) -> AuditEntry {
        let action = if accepted { "unit.command" } else { "unit.command_refused" };
        if let Some(fields) = outcome.as_object_mut() {
            fields.insert("command".into(), self.command.clone());
        }
        let mut entry = AuditEntry::new(self.tenant_id, action, "unit", self.unit)
            .by(self.actor)
            .device(self.device_id)
            .client_time(self.client_time)
            .reason(command_reason(self.command))
            .new_value(outcome);
        if let Some(status) = self.status_before {
            entry = entry.old(serde_json::json!({ "status": status }));
        }
        entry
    }
}
