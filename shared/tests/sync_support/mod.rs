//! Builders for the sync tests, and a model server: the protocol's server side in memory, built on the same
//! `decide_push` and state machine the real server uses, so the device's side can be tested end to end.
#![allow(dead_code)]

use crate::unit_support::{actor, key, NOW};
use serialtrack_shared::ids::Serial;
use serialtrack_shared::sync::*;
use serialtrack_shared::unit::*;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub const EPOCH: Uuid = Uuid::from_u128(0xE90C);

/// The n-th unit: the same product as `unit_support::key()`, another serial.
pub fn unit_key(n: u32) -> UnitKey {
    let mut unit = key();
    unit.serial = Serial::parse(&format!("SN{n:04}")).unwrap();
    unit
}

pub fn op_id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A supervisor with a quality approval at hand, under the default workflow, at `NOW`: only state refuses.
pub fn with_context<T>(body: impl FnOnce(&CommandContext) -> T) -> T {
    let actor = actor(Role::Supervisor);
    let workflow = WorkflowSettings::default();
    let context = CommandContext {
        actor: &actor,
        now: NOW,
        workflow: &workflow,
        approval: Some(Approval { by: "quality-user".into(), role: Role::Quality }),
    };
    body(&context)
}

pub fn commission() -> UnitCommand {
    UnitCommand::Commission { lot: None, expiry: None, location: None, owner: None }
}

pub fn ship() -> UnitCommand {
    UnitCommand::Ship { carrier: Some("DHL".into()), tracking: None, destination: None }
}

pub fn note(text: &str) -> UnitCommand {
    UnitCommand::AddNote { text: text.into() }
}

/// Records a command on a device, panicking with the refusal if the device refuses it.
pub fn record(device: &mut DeviceReplica, unit: UnitKey, command: UnitCommand, id: u128) -> PendingOp {
    with_context(|context| device.record(unit, command, context, op_id(id)))
        .unwrap_or_else(|refusal| panic!("the device refused: {refusal}"))
}

pub fn default_workflow() -> WorkflowSettings {
    WorkflowSettings::default()
}

/// The protocol's server, in memory.
#[derive(Debug, Clone)]
pub struct ModelServer {
    pub epoch: Uuid,
    /// The tenant's log; an event's seq is its index + 1.
    pub log: Vec<RecordedEvent>,
    pub units: BTreeMap<UnitKey, (Unit, u64)>,
    pub last_processed: HashMap<String, u64>,
    pub results: HashMap<Uuid, OpResult>,
    pub results_by_device: HashMap<String, Vec<OpResult>>,
    /// Full payloads of refused ops: nothing is lost server-side either.
    pub refused_ops: Vec<PendingOp>,
}

impl Default for ModelServer {
    fn default() -> Self {
        ModelServer {
            epoch: EPOCH,
            log: Vec::new(),
            units: BTreeMap::new(),
            last_processed: HashMap::new(),
            results: HashMap::new(),
            results_by_device: HashMap::new(),
            refused_ops: Vec::new(),
        }
    }
}

impl ModelServer {
    pub fn head(&self) -> u64 {
        self.log.len() as u64
    }

    /// One push, as one transaction.
    pub fn push(&mut self, request: &PushRequest) -> PushResponse {
        request.validate().expect("the device sends valid pushes");
        let last_processed = self.last_processed.get(&request.device_id).copied().unwrap_or(0);
        let stored = &self.results;
        let (log, units) = (&mut self.log, &mut self.units);
        let workflow = WorkflowSettings::default();
        let decision = decide_push::<std::convert::Infallible>(
            last_processed,
            &request.ops,
            |op| Ok(stored[&op.op_id].clone()),
            |op, versioned| {
                let current = units.get(&versioned.unit).map(|(unit, _)| unit.clone());
                let context =
                    CommandContext { actor: &op.actor, now: NOW, workflow: &workflow, approval: op.approval.clone() };
                match handle(current.as_ref(), &versioned.command, &context) {
                    Ok(events) => {
                        let mut state = current;
                        for event in events {
                            let recorded = RecordedEvent {
                                schema_version: EVENT_SCHEMA_VERSION,
                                event_id: op.op_id,
                                unit: versioned.unit.clone(),
                                at: NOW,
                                actor: op.actor.clone(),
                                device_id: Some(op.device_id.clone()),
                                observed_at: Some(op.client_time),
                                event,
                            };
                            state = Some(apply(state, &recorded).expect("an event handle made applies"));
                            log.push(recorded);
                        }
                        let seq = log.len() as u64;
                        units.insert(versioned.unit.clone(), (state.unwrap(), seq));
                        Ok(OpOutcome::Accepted { seq })
                    }
                    Err(refusal) => {
                        let last_change = units
                            .get(&versioned.unit)
                            .map(|(_, seq)| LastChange::from_event(*seq, &log[*seq as usize - 1]));
                        Ok(OpOutcome::Refused(RefusedOp::new(&refusal, current.as_ref(), last_change)))
                    }
                }
            },
        )
        .unwrap();
        for result in &decision.newly_decided {
            self.results.insert(result.op_id, result.clone());
            self.results_by_device.entry(request.device_id.clone()).or_default().push(result.clone());
            if matches!(result.outcome, OpOutcome::Refused(_)) {
                let op = request.ops.iter().find(|op| op.op_id == result.op_id).unwrap();
                self.refused_ops.push(op.clone());
            }
        }
        self.last_processed.insert(request.device_id.clone(), decision.last_processed_device_seq);
        decision.into_response(self.head())
    }

    /// One pull page of at most `limit` events.
    pub fn pull(&self, device_id: &str, request: &PullRequest, limit: usize) -> PullAnswer {
        let bounds = LogBounds { log_epoch: self.epoch, retention_floor: 0, head_seq: self.head() };
        if let Some(why) = reset_reason(request, &bounds) {
            return PullAnswer::Reset { why };
        }
        let events: Vec<WireEvent> = (request.cursor + 1..=self.head())
            .take(limit)
            .map(|seq| WireEvent::new(seq, &self.log[seq as usize - 1]))
            .collect();
        let next_cursor = events.last().map_or(request.cursor, |event| event.seq);
        PullAnswer::Page(PullResponse {
            log_epoch: self.epoch,
            events,
            next_cursor,
            head_seq: self.head(),
            has_more: next_cursor < self.head(),
            op_results: self.results_by_device.get(device_id).cloned().unwrap_or_default(),
        })
    }

    /// The whole projection as one snapshot page.
    pub fn snapshot(&self) -> SnapshotPage {
        SnapshotPage {
            as_of_seq: self.head(),
            log_epoch: self.epoch,
            units: self
                .units
                .values()
                .map(|(unit, last_seq)| SnapshotUnit { last_seq: *last_seq, unit: unit.clone() })
                .collect(),
            next_after: None,
            has_more: false,
        }
    }

    /// The events of one unit, in log order.
    pub fn events_of(&self, unit: &UnitKey) -> Vec<RecordedEvent> {
        self.log.iter().filter(|event| event.unit == *unit).cloned().collect()
    }
}

/// Pushes then pulls until the device's outbox has nothing to send and the cursor is at head.
pub fn sync(device: &mut DeviceReplica, server: &mut ModelServer) {
    for _ in 0..1000 {
        if let Some(request) = device.next_push() {
            let response = server.push(&request);
            device.on_push_response(&response);
        }
        match server.pull(device.device_id(), &device.pull_request(), 7) {
            PullAnswer::Page(page) => {
                device.on_pull_page(&page).expect("a page from the model server applies");
            }
            PullAnswer::Reset { why } => panic!("unexpected reset: {}", why.message()),
        }
        let nothing_to_send = device.outbox().unacknowledged().next().is_none();
        if nothing_to_send && device.cursor() == server.head() && device.outbox().is_empty() {
            return;
        }
    }
    panic!("sync did not converge in 1000 rounds");
}

/// One push of the device's next batch, its answer delivered.
pub fn push_once(device: &mut DeviceReplica, server: &mut ModelServer) -> PushResponse {
    let request = device.next_push().expect("the device has something to push");
    let response = server.push(&request);
    device.on_push_response(&response);
    response
}
