//! Acting on the conflict inbox: discard, redo on the current state, keep as a note, escalate.

use super::DeviceReplica;
use crate::sync::conflict::{Conflict, ConflictError, Resolution};
use crate::sync::pending_op::PendingOp;
use crate::unit::CommandContext;
use uuid::Uuid;

impl DeviceReplica {
    /// Resolves the conflict of op `op_id`. Redo and keep-as-note record a new op (returned) through `record`,
    /// so they are checked against the current optimistic view; if that refuses too, the conflict stays.
    /// `context` is the person resolving, now; discard and escalate do not use it.
    pub fn resolve_conflict(
        &mut self,
        op_id: Uuid,
        resolution: Resolution,
        context: &CommandContext,
    ) -> Result<Option<PendingOp>, ConflictError> {
        let index = self
            .conflicts
            .iter()
            .position(|conflict| conflict.op_id() == op_id)
            .ok_or(ConflictError::NotFound { op_id })?;
        let conflict = &self.conflicts[index];
        let (command, new_op_id) = match resolution {
            Resolution::Discard => {
                self.conflicts.remove(index);
                return Ok(None);
            }
            Resolution::Escalate => {
                self.conflicts[index].escalated = true;
                return Ok(None);
            }
            Resolution::Redo { new_op_id } => (conflict.op.command().ok_or(ConflictError::Unreadable)?, new_op_id),
            Resolution::KeepAsNote { new_op_id } => (conflict.note_command(), new_op_id),
        };
        let unit = conflict.op.unit.clone();
        let op = self.record(unit, command, context, new_op_id).map_err(ConflictError::StillRefused)?;
        self.conflicts.remove(index);
        Ok(Some(op))
    }

    /// The escalated conflicts the server has not acknowledged yet, oldest first: the sync loop sends them.
    pub fn escalations_to_send(&self) -> Vec<Uuid> {
        let waiting = self.conflicts.iter().filter(|conflict| conflict.escalated && !conflict.escalation_sent);
        waiting.map(Conflict::op_id).collect()
    }

    /// The server acknowledged the escalation of `op_id` (a conflict discarded since is simply gone).
    pub fn on_escalation_sent(&mut self, op_id: Uuid) {
        if let Some(conflict) = self.conflicts.iter_mut().find(|conflict| conflict.op_id() == op_id) {
            conflict.escalation_sent = true;
        }
    }
}
