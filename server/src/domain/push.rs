//! A device's push batch, decided with the shared sync rules (`decide_push`: duplicates, gaps, versions, a
//! refused op advancing the device) and the shared lifecycle, over the rows the store read in its transaction.

use super::pool::commission_refusal;
use super::units::{change_of, decide_events, Caller};
use crate::store::audit::CommandAudit;
use crate::store::{
    AuditEntry, EventRecord, NewEvent, OpResultRecord, PoolHoldRecord, ProductRecord, PushContext, PushWrites,
    UnitRecord,
};
use serialtrack_shared::ids::ProductCode;
use serialtrack_shared::sync::{decide_push, LastChange, OpOutcome, OpResult, PendingOp, PushDecision, RefusedOp};
use serialtrack_shared::unit::{upcast, RefusalCode, Unit, UnitCommand, UnitKey, VersionedCommand, WorkflowSettings};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// A product the batch names, with what deciding needs of it.
pub struct BatchProduct {
    pub record: ProductRecord,
    pub workflow: WorkflowSettings,
}

/// Decides a batch over the store's [`PushContext`]; returns what to write and the per-op decision.
pub fn decide_batch(
    context: PushContext,
    ops: &[PendingOp],
    products: &HashMap<ProductCode, BatchProduct>,
    caller: &Caller,
    now: OffsetDateTime,
) -> (PushWrites, PushDecision) {
    let mut batch = Batch::new(context, caller, now);
    let stored = batch.stored.clone();
    let decision = decide_push::<std::convert::Infallible>(
        batch.last_processed,
        ops,
        |op| Ok(stored_result(&stored, op)),
        |op, command| Ok(batch.run(op, command, products)),
    )
    .unwrap_or_else(|never| match never {});
    let writes = batch.into_writes(&decision, ops);
    (writes, decision)
}

/// The rows a batch works on, changed in memory as its ops run, in device_seq order.
struct Batch<'a> {
    caller: &'a Caller,
    now: OffsetDateTime,
    last_processed: u64,
    next_seq: i64,
    units: HashMap<UnitKey, (UnitRecord, Unit)>,
    last_changes: HashMap<String, LastChange>,
    stored: HashMap<Uuid, OpResultRecord>,
    /// Pool rows by (product id, serial).
    pool: HashMap<(String, String), PoolHoldRecord>,
    events: Vec<NewEvent>,
    changed: Vec<UnitKey>,
    /// Each op's unit as it was when the op ran: its id and status (none for a new unit).
    before: HashMap<Uuid, (Option<String>, Option<String>)>,
    /// Each accepted op's unit status right after it.
    after: HashMap<Uuid, String>,
}

impl<'a> Batch<'a> {
    fn new(context: PushContext, caller: &'a Caller, now: OffsetDateTime) -> Self {
        let last_changes = context
            .last_events
            .iter()
            .filter_map(|event| last_change(event).map(|change| (event.unit_id.clone(), change)))
            .collect();
        let units = context
            .units
            .into_iter()
            .filter_map(|record| {
                let unit: Unit = serde_json::from_str(&record.state).ok()?;
                Some((unit.key.clone(), (record, unit)))
            })
            .collect();
        let stored = context
            .stored_results
            .into_iter()
            .filter_map(|result| Some((Uuid::parse_str(&result.op_id).ok()?, result)))
            .collect();
        let pool =
            context.pool.into_iter().map(|hold| ((hold.product_id.clone(), hold.serial.clone()), hold)).collect();
        Self {
            caller,
            now,
            last_processed: context.last_processed_device_seq.max(0) as u64,
            next_seq: context.head_seq + 1,
            units,
            last_changes,
            stored,
            pool,
            events: Vec::new(),
            changed: Vec::new(),
            before: HashMap::new(),
            after: HashMap::new(),
        }
    }

    fn run(
        &mut self,
        op: &PendingOp,
        command: &VersionedCommand,
        products: &HashMap<ProductCode, BatchProduct>,
    ) -> OpOutcome {
        let Some(product) = products.get(&op.unit.product) else {
            let message = format!("this organisation has no product {}", op.unit.product);
            return OpOutcome::Refused(RefusedOp {
                code: RefusalCode::UnitNotFound,
                message,
                unit_state: None,
                last_change: None,
            });
        };
        let current = self.units.get(&op.unit).map(|(_, unit)| unit.clone());
        let record = self.units.get(&op.unit).map(|(record, _)| record);
        self.before
            .insert(op.op_id, (record.map(|record| record.id.clone()), record.map(|record| record.status.clone())));
        if let Some(refusal) = record.and_then(super::units::retired) {
            return OpOutcome::Refused(RefusedOp::new(&refusal, None, None));
        }
        if let (None, UnitCommand::Commission { .. }) = (&current, &command.command) {
            let key = (product.record.id.clone(), op.unit.serial.as_str().to_owned());
            let refusal = self.pool.get(&key).and_then(|hold| commission_refusal(hold, Some(&op.device_id)));
            if let Some(refusal) = refusal {
                return OpOutcome::Refused(RefusedOp::new(&refusal, None, None));
            }
        }
        let mut caller = self.caller.clone();
        caller.device_id = Some(op.device_id.clone());
        caller.client_time = Some(op.client_time);
        // An approval recorded on a device cannot be checked here (no second person signs in): gated
        // transitions are approved online, through the commands API with the approver's password.
        caller.approval = None;
        let decided = decide_events(
            current.clone(),
            op.unit.clone(),
            &command.command,
            &caller,
            &product.workflow,
            op.op_id,
            self.now,
        );
        match decided {
            Ok((unit, stored_events)) => {
                let unit_id = match self.units.get(&op.unit) {
                    Some((record, _)) => record.id.clone(),
                    None => crate::store::new_id(),
                };
                let count = stored_events.len() as i64;
                for (index, (kind, payload)) in stored_events.into_iter().enumerate() {
                    self.events.push(NewEvent {
                        op_id: op.op_id.to_string(),
                        op_index: index as i64,
                        unit_id: unit_id.clone(),
                        kind,
                        payload,
                        actor: caller.actor.name.clone(),
                        device_id: Some(op.device_id.clone()),
                        device_seq: Some(op.device_seq as i64),
                    });
                }
                self.next_seq += count;
                let seq = self.next_seq - 1;
                let change = change_of(&unit);
                self.after.insert(op.op_id, change.status.clone());
                let record = UnitRecord {
                    id: unit_id.clone(),
                    tenant_id: product.record.tenant_id.clone(),
                    product_id: product.record.id.clone(),
                    serial: unit.key.serial.as_str().to_owned(),
                    lot: unit.lot.as_ref().map(|lot| lot.as_str().to_owned()),
                    status: change.status,
                    state: change.state,
                    version: unit.version as i64,
                    last_seq: seq,
                    updated_at: 0,
                    place: "hot".into(),
                };
                self.last_changes.insert(
                    unit_id,
                    LastChange {
                        seq: seq as u64,
                        by: caller.actor.name.clone(),
                        at: self.now,
                        device_id: Some(op.device_id.clone()),
                    },
                );
                if !self.changed.contains(&op.unit) {
                    self.changed.push(op.unit.clone());
                }
                self.units.insert(op.unit.clone(), (record, unit));
                OpOutcome::Accepted { seq: seq as u64 }
            }
            Err(refusal) => {
                let last = self.units.get(&op.unit).and_then(|(record, _)| self.last_changes.get(&record.id).cloned());
                OpOutcome::Refused(RefusedOp::new(&refusal, current.as_ref(), last))
            }
        }
    }

    fn into_writes(self, decision: &PushDecision, ops: &[PendingOp]) -> PushWrites {
        let payloads: HashMap<Uuid, &PendingOp> = ops.iter().map(|op| (op.op_id, op)).collect();
        let results = decision
            .newly_decided
            .iter()
            .map(|result| {
                let payload = match &result.outcome {
                    OpOutcome::Refused(_) => payloads.get(&result.op_id).and_then(|op| serde_json::to_string(op).ok()),
                    OpOutcome::Accepted { .. } => None,
                };
                (result_record(result), payload)
            })
            .collect();
        let audit = decision
            .newly_decided
            .iter()
            .filter_map(|result| Some(self.audit_entry(result, payloads.get(&result.op_id)?)))
            .collect();
        let mut units = self.units;
        PushWrites {
            events: self.events,
            units: self.changed.iter().filter_map(|key| units.remove(key).map(|(record, _)| record)).collect(),
            results,
            last_processed_device_seq: decision.last_processed_device_seq as i64,
            audit,
        }
    }

    /// The audit entry of a newly decided op: in the caller's organisation, by the caller, from the device,
    /// at the device's clock (docs/AUDIT.md).
    fn audit_entry(&self, result: &OpResult, op: &PendingOp) -> AuditEntry {
        let (unit_id, status_before) = self.before.get(&op.op_id).cloned().unwrap_or_default();
        let accepted_unit = self.events.iter().find(|event| event.op_id == op.op_id.to_string());
        let unit = match (accepted_unit, unit_id) {
            (Some(event), _) => event.unit_id.clone(),
            (None, Some(id)) => id,
            (None, None) => format!("{}/{}", op.unit.product, op.unit.serial.as_str()),
        };
        let tenant_id = self.caller.actor.party.clone().unwrap_or_default();
        let client_time = (op.client_time.unix_timestamp_nanos() / 1_000_000) as i64;
        let audit = CommandAudit {
            tenant_id: &tenant_id,
            unit: &unit,
            actor: &self.caller.actor.name,
            device_id: Some(&op.device_id),
            client_time: Some(client_time),
            command: &op.command,
            status_before: status_before.as_deref(),
        };
        match &result.outcome {
            OpOutcome::Accepted { seq } => {
                let status = self.after.get(&op.op_id);
                audit.entry(true, serde_json::json!({ "seq": seq, "status": status, "device_seq": op.device_seq }))
            }
            OpOutcome::Refused(refused) => audit.entry(
                false,
                serde_json::json!({ "code": refused.code, "message": refused.message, "device_seq": op.device_seq }),
            ),
        }
    }
}

fn last_change(event: &EventRecord) -> Option<LastChange> {
    let recorded = upcast(serde_json::from_str(&event.payload).ok()?).ok()?;
    Some(LastChange::from_event(event.seq as u64, &recorded))
}

/// A stored result as the wire answers it; a device_seq the server processed with another op id (a device
/// that lost its numbering) is refused so it never blocks the queue.
fn stored_result(stored: &HashMap<Uuid, OpResultRecord>, op: &PendingOp) -> OpResult {
    let outcome = match stored.get(&op.op_id) {
        Some(record) => outcome_of(record),
        None => OpOutcome::Refused(RefusedOp {
            code: RefusalCode::InvalidInput,
            message: format!(
                "device_seq {} was already used by another op of this device: record the change again",
                op.device_seq
            ),
            unit_state: None,
            last_change: None,
        }),
    };
    OpResult { op_id: op.op_id, device_seq: op.device_seq, outcome }
}

fn outcome_of(record: &OpResultRecord) -> OpOutcome {
    if record.outcome == "accepted" {
        return OpOutcome::Accepted { seq: record.seq.unwrap_or(0) as u64 };
    }
    let code = record.reason_code.clone().unwrap_or_default();
    OpOutcome::Refused(RefusedOp {
        code: serde_json::from_value(serde_json::Value::from(code)).unwrap_or(RefusalCode::InvalidInput),
        message: record.reason_message.clone().unwrap_or_default(),
        unit_state: record.unit_state.as_deref().and_then(|text| serde_json::from_str(text).ok()),
        last_change: record.last_change.as_deref().and_then(|text| serde_json::from_str(text).ok()),
    })
}

/// A stored result as the pull answers it (None for a command sent without op id or device).
pub fn wire_result(record: &OpResultRecord) -> Option<OpResult> {
    let op_id = Uuid::parse_str(&record.op_id).ok()?;
    Some(OpResult { op_id, device_seq: record.device_seq? as u64, outcome: outcome_of(record) })
}

/// The stored row of a newly decided result.
pub fn result_record(result: &OpResult) -> OpResultRecord {
    let (outcome, seq, refused) = match &result.outcome {
        OpOutcome::Accepted { seq } => ("accepted", Some(*seq as i64), None),
        OpOutcome::Refused(refused) => ("refused", None, Some(refused)),
    };
    OpResultRecord {
        op_id: result.op_id.to_string(),
        tenant_id: String::new(),
        device_id: None,
        device_seq: Some(result.device_seq as i64),
        outcome: outcome.into(),
        seq,
        reason_code: refused.map(|refused| refused.code.code().to_owned()),
        reason_message: refused.map(|refused| refused.message.clone()),
        unit_state: refused.and_then(|refused| refused.unit_state.as_ref().map(|state| state.to_string())),
        recorded_at: 0,
        last_change: refused
            .and_then(|refused| refused.last_change.as_ref())
            .and_then(|change| serde_json::to_string(change).ok()),
    }
}
