//! One command recorded on a device, as it waits in the outbox and travels to the server.

use crate::unit::event::OLDEST_COMMAND_SCHEMA_VERSION;
use crate::unit::{
    upcast_command, Actor, Approval, UnitCommand, UnitKey, VersionError, VersionedCommand, COMMAND_SCHEMA_VERSION,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// A command the device recorded and the server has not yet answered (or whose answer the device has not yet
/// folded in). Its `op_id` is the idempotency key and becomes the event id; `device_seq` orders the device's
/// ops, 1, 2, 3 … without gaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct PendingOp {
    #[cfg_attr(feature = "utoipa", schema(schema_with = crate::openapi::uuid))]
    pub op_id: Uuid,
    /// Made once per browser install; the push request's `device_id`.
    #[cfg_attr(feature = "utoipa", schema(pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub device_id: String,
    #[cfg_attr(feature = "utoipa", schema(minimum = 1, maximum = 18_446_744_073_709_551_615_u64))]
    pub device_seq: u64,
    pub unit: UnitKey,
    /// The command vocabulary `command` is written in.
    #[cfg_attr(feature = "utoipa", schema(format = Int32, maximum = 65_535))]
    pub schema_version: u16,
    /// The device's pull cursor when the user acted: what the user could see, for the conflict inbox.
    #[cfg_attr(feature = "utoipa", schema(maximum = 18_446_744_073_709_551_615_u64))]
    pub cursor_when_acted: u64,
    /// Shown to people, never used for ordering: device clocks drift.
    #[serde(with = "time::serde::rfc3339")]
    pub client_time: OffsetDateTime,
    /// Who acted, as the device knew it. The server takes the actor from the credentials; this is what the
    /// device replays optimistically and shows in the conflict inbox.
    pub actor: Actor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// Kept as JSON, not as a `UnitCommand`: an op written in a vocabulary this build does not know must still
    /// arrive, so the server can answer "upgrade required" instead of refusing the whole request.
    #[cfg_attr(feature = "utoipa", schema(value_type = crate::unit::UnitCommand))]
    pub command: serde_json::Value,
    /// Set on an op sent again after the server was restored from a backup that predates its refusal: the
    /// server records this refusal again instead of running the op, because the user already saw it refused
    /// (and may have redone or discarded it). See `replica::journal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_before: Option<super::op_result::RefusedOp>,
}

/// What a device needs to turn a command into a [`PendingOp`]: everything but the command and the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpOrigin {
    pub op_id: Uuid,
    pub device_id: String,
    pub device_seq: u64,
    pub cursor_when_acted: u64,
    pub client_time: OffsetDateTime,
    pub actor: Actor,
    pub approval: Option<Approval>,
}

impl PendingOp {
    /// An op in this build's command vocabulary.
    pub fn new(origin: OpOrigin, unit: UnitKey, command: &UnitCommand) -> PendingOp {
        PendingOp {
            op_id: origin.op_id,
            device_id: origin.device_id,
            device_seq: origin.device_seq,
            unit,
            schema_version: COMMAND_SCHEMA_VERSION,
            cursor_when_acted: origin.cursor_when_acted,
            client_time: origin.client_time,
            actor: origin.actor,
            approval: origin.approval,
            command: crate::json::to_value(command).expect("a UnitCommand has string keys only, so it is valid JSON"),
            refused_before: None,
        }
    }

    /// The command in this build's vocabulary, upcast from an older one if need be. A newer or too old
    /// vocabulary is a `VersionError` the caller turns into "upgrade required".
    pub fn versioned(&self) -> Result<VersionedCommand, VersionError> {
        let unit = crate::json::to_value(&self.unit).map_err(|error| VersionError::Malformed(error.to_string()))?;
        upcast_command(serde_json::json!({
            "schema_version": self.schema_version,
            "op_id": self.op_id,
            "unit": unit,
            "command": self.command,
        }))
    }

    /// The command, when this build can read it.
    pub fn command(&self) -> Option<UnitCommand> {
        self.versioned().ok().map(|versioned| versioned.command)
    }

    /// Whether this build reads the op's vocabulary (possibly by upcasting it).
    pub fn is_supported_version(&self) -> bool {
        (OLDEST_COMMAND_SCHEMA_VERSION..=COMMAND_SCHEMA_VERSION).contains(&self.schema_version)
    }
}
