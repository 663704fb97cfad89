//! The unit lifecycle's transition table — the one place it exists. `handle`, `apply` and the UI's list of
//! allowed actions all read it.

use super::command::CommandKind;
use super::status::UnitStatus::{self, *};

/// One allowed move, the command that makes it, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: UnitStatus,
    pub to: UnitStatus,
    pub command: CommandKind,
    pub meaning: &'static str,
}

const fn t(from: UnitStatus, to: UnitStatus, command: CommandKind, meaning: &'static str) -> Transition {
    Transition { from, to, command, meaning }
}

#[rustfmt::skip]
pub const TRANSITIONS: &[Transition] = &[
    t(Available, Allocated, CommandKind::Allocate, "allocated to an order"),
    t(Available, Quarantine, CommandKind::Quarantine, "held for investigation"),
    t(Available, UnderService, CommandKind::StartService, "sent for service"),
    t(Available, Decommissioned, CommandKind::Decommission, "taken out of the supply chain"),
    t(Allocated, Picked, CommandKind::Pick, "picked for its order"),
    t(Allocated, Shipped, CommandKind::Ship, "shipped without a separate pick"),
    t(Allocated, Available, CommandKind::CancelAllocation, "order cancelled"),
    t(Allocated, Quarantine, CommandKind::Quarantine, "held for investigation"),
    t(Picked, Shipped, CommandKind::Ship, "shipped"),
    t(Picked, Allocated, CommandKind::Unpick, "put back (unpicked)"),
    t(Picked, Quarantine, CommandKind::Quarantine, "held for investigation"),
    t(Shipped, Delivered, CommandKind::Deliver, "delivered"),
    t(Shipped, UnderService, CommandKind::StartService, "dead on arrival"),
    t(Delivered, UnderService, CommandKind::StartService, "warranty service"),
    t(Delivered, Recalled, CommandKind::Recall, "recalled"),
    t(UnderService, Available, CommandKind::Repair, "repaired"),
    t(UnderService, Damaged, CommandKind::DeclareUnrepairable, "unrepairable"),
    t(Quarantine, Available, CommandKind::ResolveQuarantine, "resolved"),
    t(Quarantine, Damaged, CommandKind::FailInspection, "failed inspection"),
    t(Damaged, Retired, CommandKind::Retire, "retired"),
    t(Recalled, Retired, CommandKind::Retire, "retired"),
    t(Decommissioned, Available, CommandKind::UndoDecommission, "decommissioning undone (FMD Art. 13)"),
];

/// The transition `command` makes from `from`, if the table allows it.
pub fn transition(from: UnitStatus, command: CommandKind) -> Option<&'static Transition> {
    TRANSITIONS.iter().find(|t| t.from == from && t.command == command)
}

/// Every transition out of `from`, in table order (what a UI offers for a unit in that status).
pub fn transitions_from(from: UnitStatus) -> impl Iterator<Item = &'static Transition> {
    TRANSITIONS.iter().filter(move |t| t.from == from)
}

/// Whether the table has a move from `from` to `to`.
pub fn is_allowed(from: UnitStatus, to: UnitStatus) -> bool {
    TRANSITIONS.iter().any(|t| t.from == from && t.to == to)
}
