//! What the user sees of a unit: the confirmed state with the device's own ops replayed on top, in device_seq
//! order. An op that no longer fits is shown as a predicted conflict and skipped; it is still pushed, since
//! only the server decides.

use super::outbox::{Delivery, OpStatus};
use super::DeviceReplica;
use crate::sync::pending_op::PendingOp;
use crate::unit::{
    apply, handle, CommandContext, RecordedEvent, Refusal, RefusalCode, Unit, UnitKey, WorkflowSettings,
    EVENT_SCHEMA_VERSION,
};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptimisticView {
    /// None: the unit does not exist, not even optimistically.
    pub unit: Option<Unit>,
    /// The unit's ops still in the outbox, in device_seq order.
    pub ops: Vec<OpView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpView {
    pub op_id: Uuid,
    pub device_seq: u64,
    pub status: OpStatus,
    /// Why the op fails on the view it lands on, for a predicted conflict.
    pub predicted_refusal: Option<Refusal>,
}

impl DeviceReplica {
    /// The unit as confirmed, plus this device's ops in the outbox, under the unit's product workflow.
    pub fn optimistic(&self, unit: &UnitKey, workflow: &WorkflowSettings) -> OptimisticView {
        let confirmed = self.confirmed.get(unit);
        let folded_through = confirmed.map_or(0, |confirmed| confirmed.last_seq);
        let mut state = confirmed.map(|confirmed| confirmed.unit.clone());
        let mut ops = Vec::new();
        for entry in self.outbox.for_unit(unit) {
            // An acked op whose event is already folded in (from a snapshot page) must not count twice.
            if matches!(entry.delivery, Delivery::Acked { seq } if seq <= folded_through) {
                continue;
            }
            // An op sent again only to record its old refusal never changes the unit.
            if entry.op.refused_before.is_some() {
                continue;
            }
            let (status, predicted_refusal) = match replay(state.clone(), &entry.op, workflow) {
                Ok(next) => {
                    state = Some(next);
                    (delivery_status(entry.delivery), None)
                }
                // An acked op is the server's word: it is confirmed even if the device's replay disagrees.
                Err(refusal) if matches!(entry.delivery, Delivery::Acked { .. }) => {
                    (OpStatus::Confirmed, Some(refusal))
                }
                Err(refusal) => (OpStatus::PredictedConflict, Some(refusal)),
            };
            ops.push(OpView { op_id: entry.op.op_id, device_seq: entry.op.device_seq, status, predicted_refusal });
        }
        OptimisticView { unit: state, ops }
    }
}

fn delivery_status(delivery: Delivery) -> OpStatus {
    match delivery {
        Delivery::Queued => OpStatus::Queued,
        Delivery::Sending => OpStatus::Sending,
        Delivery::Acked { .. } => OpStatus::Confirmed,
    }
}

/// Runs one op as the server will: `handle` in the op's own context (who, when, with whose approval), then
/// `apply` of the events it makes.
fn replay(state: Option<Unit>, op: &PendingOp, workflow: &WorkflowSettings) -> Result<Unit, Refusal> {
    let command = op.command().ok_or_else(|| {
        Refusal::new(RefusalCode::InvalidInput, "this app cannot read the command: it was written by another version")
    })?;
    let context = CommandContext { actor: &op.actor, now: op.client_time, workflow, approval: op.approval.clone() };
    let events = handle(state.as_ref(), &command, &context)?;
    let mut state = state;
    for event in events {
        let recorded = RecordedEvent {
            schema_version: EVENT_SCHEMA_VERSION,
            event_id: op.op_id,
            unit: op.unit.clone(),
            at: op.client_time,
            actor: op.actor.clone(),
            device_id: Some(op.device_id.clone()),
            observed_at: Some(op.client_time),
            event,
        };
        state = Some(apply(state, &recorded)?);
    }
    state.ok_or_else(|| Refusal::new(RefusalCode::InvalidInput, "the command made no event"))
}
