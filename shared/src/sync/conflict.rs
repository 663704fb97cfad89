//! The "needs attention" inbox: ops the server refused, kept with what the server had, never dropped silently.

use super::op_result::{LastChange, RefusedOp};
use super::pending_op::PendingOp;
use crate::unit::{past_tense, Unit, UnitCommand};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Notes may hold 2,000 characters; a kept attempt is cut to fit.
const MAX_NOTE_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// What the user did, exactly as it was pushed.
    pub op: PendingOp,
    /// Why the server said no, and what it had.
    pub refused: RefusedOp,
    /// Handed to a supervisor; it stays in the inbox until someone resolves it.
    #[serde(default)]
    pub escalated: bool,
    /// The server has the escalation (it reached the supervisors); until then the sync loop sends it.
    #[serde(default)]
    pub escalation_sent: bool,
}

/// What the user can do about a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Resolution {
    /// Drop the attempt: the server's state stands.
    Discard,
    /// Try the same command again on the current state, as a new op.
    Redo { new_op_id: Uuid },
    /// Keep what was attempted as a note on the unit (notes are accepted in any state of an existing unit).
    KeepAsNote { new_op_id: Uuid },
    /// Hand it to a supervisor.
    Escalate,
}

impl Conflict {
    pub fn op_id(&self) -> Uuid {
        self.op.op_id
    }

    /// "shipped (carrier DHL …)" — what the user did, in words, or the raw command if this build cannot read it.
    pub fn what_was_attempted(&self) -> String {
        match self.op.command() {
            Some(command) => describe_command(&command),
            None => self.op.command.to_string(),
        }
    }

    /// Who changed the unit last on the server, when and on which device, if the server said.
    pub fn what_the_server_had(&self) -> Option<&LastChange> {
        self.refused.last_change.as_ref()
    }

    pub fn server_unit(&self) -> Option<Unit> {
        self.refused.unit()
    }

    /// The note that keeps the attempt on the unit's history.
    pub fn note_text(&self) -> String {
        let text = format!(
            "Not applied: {} by {} at {} — the server refused it ({}: {})",
            self.what_was_attempted(),
            self.op.actor.name,
            self.op.client_time,
            self.refused.code.code(),
            self.refused.message
        );
        text.chars().take(MAX_NOTE_CHARS).collect()
    }

    pub fn note_command(&self) -> UnitCommand {
        UnitCommand::AddNote { text: self.note_text() }
    }
}

/// A command in words: "allocated (order \"SO-1\")".
pub fn describe_command(command: &UnitCommand) -> String {
    let verb = past_tense(command.kind()).replace('_', " ");
    let mut details = crate::json::to_value(command).unwrap_or_default();
    if let Some(object) = details.as_object_mut() {
        object.remove("type");
        object.retain(|_, value| !value.is_null());
        if !object.is_empty() {
            let parts: Vec<String> = object.iter().map(|(name, value)| format!("{name} {value}")).collect();
            return format!("{verb} ({})", parts.join(", "));
        }
    }
    verb
}

/// Why a conflict could not be resolved as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConflictError {
    #[error("there is no conflict with op {op_id} in the inbox")]
    NotFound { op_id: Uuid },
    #[error("this app cannot read the refused command: upgrade it, or discard the conflict")]
    Unreadable,
    #[error("this cannot be done on the unit's current state either: {0}")]
    StillRefused(crate::unit::Refusal),
}
