//! How a unit and an event look in every answer that carries them (a lookup, a history, a command's answer, a
//! refusal's error body, a snapshot page): one shape each, in a leaf that routes and the error type share.

use super::stored_json::stored_json;
use super::time_format::rfc3339;
use crate::store::{EventRecord, UnitRecord};
use serde::Serialize;
use serde_json::value::RawValue;

/// A unit as it is now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub id: String,
    pub product_id: String,
    pub serial: String,
    pub lot: Option<String>,
    pub status: String,
    /// The unit's full state, folded from its events.
    #[schema(value_type = Object)]
    pub state: Box<RawValue>,
    /// How many events the unit has.
    pub version: i64,
    /// The seq of its last event.
    pub last_seq: i64,
    pub updated_at: String,
    /// Where its history is kept (docs/RETENTION.md): `hot`; `archived` (read from the archive, it takes no
    /// more events); `purged` (gone after its retention period; the serial is never issued again).
    #[schema(pattern = "^(hot|archived|purged)$")]
    pub history: String,
}

impl From<UnitRecord> for UnitView {
    fn from(record: UnitRecord) -> Self {
        Self {
            id: record.id,
            product_id: record.product_id,
            serial: record.serial,
            lot: record.lot,
            status: record.status,
            state: stored_json(record.state),
            version: record.version,
            last_seq: record.last_seq,
            updated_at: rfc3339(record.updated_at),
            history: record.place,
        }
    }
}

/// One event of the log as answers show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// The tenant's running number: gap-free, ascending.
    pub seq: i64,
    /// The command's id (its idempotency key).
    pub op_id: String,
    /// Which of the command's events this is, from 0.
    pub op_index: i64,
    pub unit_id: String,
    pub kind: String,
    /// The versioned event as the shared crate writes it.
    #[schema(value_type = Object)]
    pub payload: Box<RawValue>,
    /// `user:<username>` or `key:<name>`.
    pub actor: String,
    pub device_id: Option<String>,
    pub device_seq: Option<i64>,
    pub recorded_at: String,
}

impl From<EventRecord> for EventView {
    fn from(record: EventRecord) -> Self {
        Self {
            seq: record.seq,
            op_id: record.op_id,
            op_index: record.op_index,
            unit_id: record.unit_id,
            kind: record.kind,
            payload: stored_json(record.payload),
            actor: record.actor,
            device_id: record.device_id,
            device_seq: record.device_seq,
            recorded_at: rfc3339(record.recorded_at),
        }
    }
}
