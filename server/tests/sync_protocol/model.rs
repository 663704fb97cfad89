//! The reference: one organisation's server in memory — the shared `decide_push` and the shared state machine
//! folded over the accepted ops in server order. No store, no SQL, no HTTP: what the real server must agree with.

use serialtrack_shared::sync::{decide_push, OpOutcome, OpResult, PushRequest, PushResponse, RefusedOp};
use serialtrack_shared::unit::{
    apply, handle, Actor, CommandContext, RecordedEvent, Refusal, RefusalCode, Unit, UnitKey, WorkflowSettings,
    EVENT_SCHEMA_VERSION,
};
use std::collections::{BTreeMap, HashMap};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct ModelTenant {
    /// The log: seq - 1 → (op id, unit).
    pub log: Vec<(Uuid, UnitKey)>,
    /// The projection: unit → (state, seq of its last event).
    pub units: BTreeMap<UnitKey, (Unit, u64)>,
    pub last_processed: HashMap<String, u64>,
    /// Every decided op's result, as first decided.
    pub results: HashMap<Uuid, OpResult>,
}

impl ModelTenant {
    pub fn head(&self) -> u64 {
        self.log.len() as u64
    }

    /// An event the server logged outside sync (the registration of units).
    pub fn seed(&mut self, event: &RecordedEvent) {
        let current = self.units.remove(&event.unit).map(|(unit, _)| unit);
        let unit = apply(current, event).expect("a registration event applies");
        self.log.push((event.event_id, event.unit.clone()));
        self.units.insert(event.unit.clone(), (unit, self.head()));
    }

    /// One push, as one transaction, decided as the server decides it: by the credentials' actor, at the
    /// server's time, with no approval.
    pub fn push(&mut self, actor: &Actor, request: &PushRequest) -> PushResponse {
        let last_processed = self.last_processed.get(&request.device_id).copied().unwrap_or(0);
        let stored = &self.results;
        let (log, units) = (&mut self.log, &mut self.units);
        let workflow = WorkflowSettings::default();
        let now = OffsetDateTime::now_utc();
        let decision = decide_push::<std::convert::Infallible>(
            last_processed,
            &request.ops,
            |op| {
                Ok(stored.get(&op.op_id).cloned().unwrap_or_else(|| OpResult {
                    op_id: op.op_id,
                    device_seq: op.device_seq,
                    outcome: OpOutcome::Refused(RefusedOp {
                        code: RefusalCode::InvalidInput,
                        message: "device_seq reused".into(),
                        unit_state: None,
                        last_change: None,
                    }),
                }))
            },
            |op, versioned| {
                let current = units.get(&versioned.unit).map(|(unit, _)| unit.clone());
                let context = CommandContext { actor, now, workflow: &workflow, approval: None };
                let decided: Result<Unit, Refusal> =
                    handle(current.as_ref(), &versioned.command, &context).and_then(|events| {
                        let mut state = current.clone();
                        for event in events {
                            let recorded = RecordedEvent {
                                schema_version: EVENT_SCHEMA_VERSION,
                                event_id: op.op_id,
                                unit: versioned.unit.clone(),
                                at: now,
                                actor: actor.clone(),
                                device_id: Some(op.device_id.clone()),
                                observed_at: Some(op.client_time),
                                event,
                            };
                            state = Some(apply(state, &recorded)?);
                            log.push((op.op_id, versioned.unit.clone()));
                        }
                        Ok(state.expect("a command makes an event"))
                    });
                Ok(match decided {
                    Ok(unit) => {
                        let seq = log.len() as u64;
                        units.insert(versioned.unit.clone(), (unit, seq));
                        OpOutcome::Accepted { seq }
                    }
                    Err(refusal) => OpOutcome::Refused(RefusedOp::new(&refusal, current.as_ref(), None)),
                })
            },
        )
        .unwrap_or_else(|never| match never {});
        for result in &decision.newly_decided {
            self.results.insert(result.op_id, result.clone());
        }
        self.last_processed.insert(request.device_id.clone(), decision.last_processed_device_seq);
        decision.into_response(self.head())
    }
}

/// A unit without the times the server stamps (the model decides at its own clock).
pub fn normalized(unit: &Unit) -> Unit {
    let mut unit = unit.clone();
    unit.commissioned_at = OffsetDateTime::UNIX_EPOCH;
    unit.updated_at = OffsetDateTime::UNIX_EPOCH;
    if let Some(decommissioned) = unit.decommissioned.as_mut() {
        decommissioned.at = OffsetDateTime::UNIX_EPOCH;
    }
    unit
}

/// Whether the server's answer to a push is the model's: the same ops decided the same way (accepted at the
/// same seq, or refused for the same reason over the same unit state), the same stop, device seq and head.
pub fn same_answer(server: &PushResponse, model: &PushResponse) -> Result<(), String> {
    let differ = |what: &str| Err(format!("{what}: server {server:?}\nmodel {model:?}"));
    if server.results.len() != model.results.len() {
        return differ("a different number of results");
    }
    for (ours, theirs) in server.results.iter().zip(&model.results) {
        if ours.op_id != theirs.op_id || ours.device_seq != theirs.device_seq {
            return differ("results for other ops");
        }
        match (&ours.outcome, &theirs.outcome) {
            (OpOutcome::Accepted { seq: a }, OpOutcome::Accepted { seq: b }) if a == b => {}
            (OpOutcome::Refused(a), OpOutcome::Refused(b)) if a.code == b.code => {
                let state = |refused: &RefusedOp| refused.unit().map(|unit| normalized(&unit));
                if state(a) != state(b) {
                    return differ(&format!("op {} refused over another unit state", ours.device_seq));
                }
            }
            _ => return differ(&format!("op {} decided differently", ours.device_seq)),
        }
    }
    if server.last_processed_device_seq != model.last_processed_device_seq {
        return differ("another last_processed_device_seq");
    }
    if server.stopped != model.stopped {
        return differ("another stop");
    }
    if server.head_seq != model.head_seq {
        return differ("another head seq");
    }
    Ok(())
}
