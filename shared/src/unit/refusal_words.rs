//! A refused move in words a person reads: one phrase per status and one per command, so every refusal of the
//! transition table reads as English ("a shipped unit cannot have its allocation cancelled").

use super::command::CommandKind;
use super::status::UnitStatus;

/// Why the table refuses `kind` from `from`, as the sentence a refusal carries.
pub fn cannot(from: UnitStatus, kind: CommandKind) -> String {
    format!("{} cannot {}", unit_that_is(from), what(kind))
}

/// "a shipped unit", "a unit in quarantine".
pub fn unit_that_is(status: UnitStatus) -> &'static str {
    match status {
        UnitStatus::Available => "an available unit",
        UnitStatus::Allocated => "an allocated unit",
        UnitStatus::Picked => "a picked unit",
        UnitStatus::Shipped => "a shipped unit",
        UnitStatus::Delivered => "a delivered unit",
        UnitStatus::UnderService => "a unit under service",
        UnitStatus::Quarantine => "a unit in quarantine",
        UnitStatus::Damaged => "a damaged unit",
        UnitStatus::Recalled => "a recalled unit",
        UnitStatus::Retired => "a retired unit",
        UnitStatus::Decommissioned => "a decommissioned unit",
    }
}

/// What the command would do, after "cannot".
fn what(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Commission => "be commissioned again",
        CommandKind::Allocate => "be allocated to an order",
        CommandKind::CancelAllocation => "have its allocation cancelled",
        CommandKind::Pick => "be picked",
        CommandKind::Unpick => "be put back (unpicked)",
        CommandKind::Ship => "be shipped",
        CommandKind::Deliver => "be delivered",
        CommandKind::StartService => "be sent for service",
        CommandKind::Repair => "be marked repaired",
        CommandKind::DeclareUnrepairable => "be declared unrepairable",
        CommandKind::Quarantine => "be put in quarantine",
        CommandKind::ResolveQuarantine => "be released from quarantine",
        CommandKind::FailInspection => "fail an inspection",
        CommandKind::Recall => "be recalled",
        CommandKind::Retire => "be retired",
        CommandKind::Decommission => "be decommissioned",
        CommandKind::UndoDecommission => "have a decommissioning undone",
        CommandKind::Move => "be moved",
        CommandKind::TransferOwnership => "change owner",
        CommandKind::Pack => "be packed",
        CommandKind::Unpack => "be unpacked",
        CommandKind::Inspect => "be inspected",
        CommandKind::RecordService => "have service recorded",
        CommandKind::AddNote => "take a note",
        CommandKind::ReplaceSerial => "have its serial replaced",
    }
}
