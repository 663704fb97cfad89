//! What happened to a unit (past tense), and the envelope that records who, when and where.
//!
//! An event carries the accepted command itself — its data is the event's data, so the two can never drift —
//! plus the status change it made and any approval it needed.

use super::command::{CommandKind, Role, UnitCommand};
use super::status::UnitStatus;
use crate::ids::{Gtin, ProductCode, Serial};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The event schema this build writes. Older events are upcast when read; newer ones are refused.
pub const EVENT_SCHEMA_VERSION: u16 = 1;
/// The oldest event schema this build can still read.
pub const OLDEST_EVENT_SCHEMA_VERSION: u16 = 1;

/// A unit's identity for its whole life: its product's code + serial. For GS1 products the code is the GTIN
/// (so the key is the GS1 SGTIN); products with an internal code such as `CM-500` have units too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct UnitKey {
    pub product: ProductCode,
    pub serial: Serial,
}

impl UnitKey {
    /// The key of a GS1 product's unit.
    pub fn sgtin(gtin: &Gtin, serial: Serial) -> UnitKey {
        UnitKey { product: ProductCode::from(gtin.clone()), serial }
    }
}

impl std::fmt::Display for UnitKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} · {}", self.product, self.serial)
    }
}

/// Who acted, in which role, for which party (the organisation, for FMD's "same party" rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Actor {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub party: Option<String>,
}

/// A second person's approval of a gated transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Approval {
    pub by: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitEvent {
    /// The command that was accepted.
    pub what: UnitCommand,
    /// The status before (None when the unit came into being).
    pub from: Option<UnitStatus>,
    /// The status after (the same as before for facts such as a note).
    pub to: UnitStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<Approval>,
}

impl UnitEvent {
    /// The event's name in the past tense: "shipped", "note_added".
    pub fn name(&self) -> &'static str {
        past_tense(self.what.kind())
    }
}

pub fn past_tense(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Commission => "commissioned",
        CommandKind::Allocate => "allocated",
        CommandKind::CancelAllocation => "allocation_cancelled",
        CommandKind::Pick => "picked",
        CommandKind::Unpick => "unpicked",
        CommandKind::Ship => "shipped",
        CommandKind::Deliver => "delivered",
        CommandKind::StartService => "service_started",
        CommandKind::Repair => "repaired",
        CommandKind::DeclareUnrepairable => "declared_unrepairable",
        CommandKind::Quarantine => "quarantined",
        CommandKind::ResolveQuarantine => "quarantine_resolved",
        CommandKind::FailInspection => "inspection_failed",
        CommandKind::Recall => "recalled",
        CommandKind::Retire => "retired",
        CommandKind::Decommission => "decommissioned",
        CommandKind::UndoDecommission => "decommission_undone",
        CommandKind::Move => "moved",
        CommandKind::TransferOwnership => "ownership_transferred",
        CommandKind::Pack => "packed",
        CommandKind::Unpack => "unpacked",
        CommandKind::Inspect => "inspected",
        CommandKind::RecordService => "serviced",
        CommandKind::AddNote => "note_added",
        CommandKind::ReplaceSerial => "serial_replaced",
    }
}

/// An event as stored in the log: immutable; its id is the command's op_id, so a retried command is a no-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub schema_version: u16,
    pub event_id: Uuid,
    pub unit: UnitKey,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: Actor,
    #[serde(default)]
    pub device_id: Option<String>,
    /// When the user acted, by the device's clock, for a command a device recorded (offline, perhaps hours
    /// before `at`, the server's time of recording). Shown, never used for ordering: the seq orders the log,
    /// and a device's clock may be off.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "time::serde::rfc3339::option")]
    pub observed_at: Option<OffsetDateTime>,
    pub event: UnitEvent,
}

/// The command schema this build writes (in outboxes and on the wire).
pub const COMMAND_SCHEMA_VERSION: u16 = 1;
/// The oldest command schema this build can still read.
pub const OLDEST_COMMAND_SCHEMA_VERSION: u16 = 1;

/// A command as it travels from a device to the server: versioned, and idempotent by its `op_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionedCommand {
    pub schema_version: u16,
    pub op_id: Uuid,
    pub unit: UnitKey,
    pub command: UnitCommand,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("this was written by a newer serialtrack (schema {found}, this one reads up to {newest}): upgrade")]
    UpgradeRequired { found: u16, newest: u16 },
    #[error("schema {found} is older than this serialtrack can read ({oldest})")]
    TooOld { found: u16, oldest: u16 },
    #[error("this cannot be read: {0}")]
    Malformed(String),
}

/// Reads a stored event of any supported schema version, upcasting it to the current one.
pub fn upcast(value: serde_json::Value) -> Result<RecordedEvent, VersionError> {
    upcast_to(value, OLDEST_EVENT_SCHEMA_VERSION, EVENT_SCHEMA_VERSION)
}

/// Reads a command of any supported schema version (from an outbox or a push), upcasting it to the current one.
/// A device with an older vocabulary keeps its outbox until it can upcast; a newer one gets "upgrade required".
pub fn upcast_command(value: serde_json::Value) -> Result<VersionedCommand, VersionError> {
    upcast_to(value, OLDEST_COMMAND_SCHEMA_VERSION, COMMAND_SCHEMA_VERSION)
}

fn upcast_to<T: serde::de::DeserializeOwned>(
    mut value: serde_json::Value,
    oldest: u16,
    newest: u16,
) -> Result<T, VersionError> {
    let found = value.get("schema_version").and_then(|v| v.as_u64()).unwrap_or(0) as u16;
    if found > newest {
        return Err(VersionError::UpgradeRequired { found, newest });
    }
    if found < oldest {
        return Err(VersionError::TooOld { found, oldest });
    }
    // Each future schema change adds one step here, from `found` up to the current version.
    if let Some(object) = value.as_object_mut() {
        object.insert("schema_version".into(), newest.into());
    }
    crate::json::from_value(&value).map_err(|error| VersionError::Malformed(error.to_string()))
}
