//! Builders shared by the unit tests: units in any status, one sample command per kind, contexts.
#![allow(dead_code)]

use serialtrack_shared::ids::{Gtin, Lot, Serial, Sscc};
use serialtrack_shared::unit::*;
use time::macros::{date, datetime};
use time::OffsetDateTime;

pub const NOW: OffsetDateTime = datetime!(2026-11-23 10:00 UTC);

pub fn key() -> UnitKey {
    UnitKey::sgtin(&Gtin::parse("09506000134352").unwrap(), Serial::parse("SN0001").unwrap())
}

pub fn unit_in(status: UnitStatus) -> Unit {
    Unit {
        key: key(),
        status,
        lot: Some(Lot::parse("LOT1").unwrap()),
        expiry: Some(date!(2028 - 12 - 31)),
        location: Some("Line 1".into()),
        owner: None,
        parent: None,
        order: None,
        decommissioned: (status == UnitStatus::Decommissioned).then(|| Decommissioning {
            reason: DecommissionReason::Sample,
            at: NOW - time::Duration::days(1),
            party: Some("MAH".into()),
        }),
        ever_recalled: false,
        replaced_by: None,
        commissioned_at: NOW - time::Duration::days(30),
        updated_at: NOW - time::Duration::days(1),
        version: 3,
    }
}

pub fn actor(role: Role) -> Actor {
    Actor { name: format!("{}-user", role.as_str()), role, party: Some("MAH".into()) }
}

pub fn sample(kind: CommandKind) -> UnitCommand {
    let text = || "because".to_owned();
    match kind {
        CommandKind::Commission => UnitCommand::Commission { lot: None, expiry: None, location: None, owner: None },
        CommandKind::Allocate => UnitCommand::Allocate { order: "SO-1".into() },
        CommandKind::CancelAllocation => UnitCommand::CancelAllocation { reason: None },
        CommandKind::Pick => UnitCommand::Pick { order: None },
        CommandKind::Unpick => UnitCommand::Unpick,
        CommandKind::Ship => UnitCommand::Ship { carrier: Some("DHL".into()), tracking: None, destination: None },
        CommandKind::Deliver => UnitCommand::Deliver { receiver: None },
        CommandKind::StartService => UnitCommand::StartService { reason: text() },
        CommandKind::Repair => UnitCommand::Repair { notes: None },
        CommandKind::DeclareUnrepairable => UnitCommand::DeclareUnrepairable { reason: text() },
        CommandKind::Quarantine => UnitCommand::Quarantine { reason: text() },
        CommandKind::ResolveQuarantine => UnitCommand::ResolveQuarantine { notes: None },
        CommandKind::FailInspection => UnitCommand::FailInspection { reason: text() },
        CommandKind::Recall => UnitCommand::Recall { recall_ref: "R-1".into() },
        CommandKind::Retire => UnitCommand::Retire,
        CommandKind::Decommission => UnitCommand::Decommission { reason: DecommissionReason::Damaged },
        CommandKind::UndoDecommission => UnitCommand::UndoDecommission,
        CommandKind::Move => UnitCommand::Move { location: "Warehouse B".into() },
        CommandKind::TransferOwnership => UnitCommand::TransferOwnership { owner: "Pharmacy 7".into() },
        CommandKind::Pack => UnitCommand::Pack { parent: Sscc::parse("106141411234567897").unwrap() },
        CommandKind::Unpack => UnitCommand::Unpack,
        CommandKind::Inspect => UnitCommand::Inspect { result: InspectionResult::Passed, notes: None },
        CommandKind::RecordService => UnitCommand::RecordService { notes: "filter changed".into() },
        CommandKind::AddNote => UnitCommand::AddNote { text: "checked".into() },
        CommandKind::ReplaceSerial => UnitCommand::ReplaceSerial { new_serial: Serial::parse("SN0002").unwrap() },
    }
}

pub const ALL_KINDS: [CommandKind; 25] = [
    CommandKind::Commission,
    CommandKind::Allocate,
    CommandKind::CancelAllocation,
    CommandKind::Pick,
    CommandKind::Unpick,
    CommandKind::Ship,
    CommandKind::Deliver,
    CommandKind::StartService,
    CommandKind::Repair,
    CommandKind::DeclareUnrepairable,
    CommandKind::Quarantine,
    CommandKind::ResolveQuarantine,
    CommandKind::FailInspection,
    CommandKind::Recall,
    CommandKind::Retire,
    CommandKind::Decommission,
    CommandKind::UndoDecommission,
    CommandKind::Move,
    CommandKind::TransferOwnership,
    CommandKind::Pack,
    CommandKind::Unpack,
    CommandKind::Inspect,
    CommandKind::RecordService,
    CommandKind::AddNote,
    CommandKind::ReplaceSerial,
];

/// A supervisor of the MAH with a quality approval at hand: nothing but the state should refuse.
pub fn decide(state: Option<&Unit>, command: &UnitCommand) -> Result<Vec<UnitEvent>, Refusal> {
    let actor = actor(Role::Supervisor);
    let workflow = WorkflowSettings::default();
    let context = CommandContext {
        actor: &actor,
        now: NOW,
        workflow: &workflow,
        approval: Some(Approval { by: "quality-user".into(), role: Role::Quality }),
    };
    handle(state, command, &context)
}

pub fn record(event: UnitEvent, at: OffsetDateTime, sequence: u128) -> RecordedEvent {
    RecordedEvent {
        schema_version: EVENT_SCHEMA_VERSION,
        event_id: uuid::Uuid::from_u128(sequence),
        unit: key(),
        at,
        actor: actor(Role::Supervisor),
        device_id: None,
        observed_at: None,
        event,
    }
}
