//! Why a command or an event was refused: a stable code to match on, and a sentence for people.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The transition table has no such move from the unit's status.
    InvalidTransition,
    /// The unit does not exist (not commissioned or registered).
    UnitNotFound,
    /// Commissioning a unit that already exists.
    UnitAlreadyExists,
    /// The unit is retired or decommissioned: it takes no more events.
    UnitClosed,
    /// The actor's role may not make this change under the product's workflow.
    RoleNotAllowed,
    /// The transition needs a second person's approval.
    ApprovalRequired,
    /// FMD Art. 13: more than 10 days since the decommissioning.
    UndoWindowPassed,
    /// FMD Art. 13: only the party that decommissioned may undo it.
    UndoByOtherParty,
    /// FMD Art. 13: an expired pack cannot be set back to active.
    UndoExpired,
    /// FMD Art. 13: a stolen or destroyed pack, or a recalled one, cannot be set back to active.
    UndoNotAllowedForReason,
    /// Packing into a container while already packed, or unpacking a unit that is not packed.
    PackingMismatch,
    /// A text field is empty or too long, or a value is malformed.
    InvalidInput,
    /// The event belongs to another unit.
    WrongUnit,
    /// Commissioning a pool serial that is not assigned, or is reserved to another device.
    SerialNotAssigned,
    /// The unit's history was archived or purged by retention: it is at rest and takes no more events.
    HistoryRetired,
}

impl RefusalCode {
    pub fn code(self) -> &'static str {
        match self {
            RefusalCode::InvalidTransition => "invalid_transition",
            RefusalCode::UnitNotFound => "unit_not_found",
            RefusalCode::UnitAlreadyExists => "unit_already_exists",
            RefusalCode::UnitClosed => "unit_closed",
            RefusalCode::RoleNotAllowed => "role_not_allowed",
            RefusalCode::ApprovalRequired => "approval_required",
            RefusalCode::UndoWindowPassed => "undo_window_passed",
            RefusalCode::UndoByOtherParty => "undo_by_other_party",
            RefusalCode::UndoExpired => "undo_expired",
            RefusalCode::UndoNotAllowedForReason => "undo_not_allowed_for_reason",
            RefusalCode::PackingMismatch => "packing_mismatch",
            RefusalCode::InvalidInput => "invalid_input",
            RefusalCode::WrongUnit => "wrong_unit",
            RefusalCode::SerialNotAssigned => "serial_not_assigned",
            RefusalCode::HistoryRetired => "history_retired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct Refusal {
    pub code: RefusalCode,
    /// What was refused and why, naming the unit's current status.
    pub message: String,
}

impl Refusal {
    pub fn new(code: RefusalCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.code())
    }
}
