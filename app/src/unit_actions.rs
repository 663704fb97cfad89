//! What a person can do to a unit on the unit screen: the moves the shared transition table allows from the
//! unit's status, then the facts accepted in almost any state (move, note, service, inspection). Each action
//! names the fields its command needs; `command` turns what was typed into the shared `UnitCommand`.

use serialtrack_shared::ids::Sscc;
use serialtrack_shared::unit::{
    transitions_from, CommandKind, DecommissionReason, InspectionResult, UnitCommand, UnitStatus,
};

/// One input of an action's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub required: bool,
    /// Choices for a select; empty for free text.
    pub choices: &'static [(&'static str, &'static str)],
}

/// A free-text field, as a literal (so the field lists are constants).
macro_rules! text {
    ($name:literal, $label:literal, $required:literal) => {
        Field { name: $name, label: $label, required: $required, choices: &[] }
    };
}

const DECOMMISSION_REASONS: &[(&str, &str)] = &[
    ("destroyed", "Destroyed"),
    ("sample", "Sample"),
    ("stolen", "Stolen"),
    ("expired", "Expired"),
    ("damaged", "Damaged"),
    ("other", "Other (say why)"),
];
const INSPECTION_RESULTS: &[(&str, &str)] = &[("passed", "Passed"), ("failed", "Failed")];

/// An action offered on the unit screen: a button, and the form it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitAction {
    pub kind: CommandKind,
    /// The button's name ("Ship", "Move to location").
    pub label: &'static str,
    pub fields: &'static [Field],
}

/// The button label and the fields of each command a person can give from the unit screen.
pub fn action(kind: CommandKind) -> Option<UnitAction> {
    let (label, fields): (&'static str, &'static [Field]) = match kind {
        CommandKind::Allocate => ("Allocate", &[text!("order", "Order", true)]),
        CommandKind::CancelAllocation => ("Cancel allocation", &[text!("reason", "Reason", false)]),
        CommandKind::Pick => ("Pick", &[text!("order", "Order", false)]),
        CommandKind::Unpick => ("Unpick", &[]),
        CommandKind::Ship => (
            "Ship",
            &[
                text!("carrier", "Carrier", false),
                text!("tracking", "Tracking number", false),
                text!("destination", "Destination", false),
            ],
        ),
        CommandKind::Deliver => ("Deliver", &[text!("receiver", "Received by", false)]),
        CommandKind::StartService => ("Start service", &[text!("reason", "Reason", true)]),
        CommandKind::Repair => ("Repair", &[text!("notes", "Notes", false)]),
        CommandKind::DeclareUnrepairable => ("Declare unrepairable", &[text!("reason", "Reason", true)]),
        CommandKind::Quarantine => ("Quarantine", &[text!("reason", "Reason", true)]),
        CommandKind::ResolveQuarantine => ("Resolve quarantine", &[text!("notes", "Notes", false)]),
        CommandKind::FailInspection => ("Fail inspection", &[text!("reason", "Reason", true)]),
        CommandKind::Recall => ("Recall", &[text!("recall_ref", "Recall reference", true)]),
        CommandKind::Retire => ("Retire", &[]),
        CommandKind::Decommission => (
            "Decommission",
            &[
                Field { name: "reason", label: "Reason", required: true, choices: DECOMMISSION_REASONS },
                text!("other_reason", "Other reason", false),
            ],
        ),
        CommandKind::UndoDecommission => ("Undo decommission", &[]),
        CommandKind::Move => ("Move to location", &[text!("location", "Location", true)]),
        CommandKind::TransferOwnership => ("Transfer ownership", &[text!("owner", "New owner", true)]),
        CommandKind::Pack => ("Pack into case", &[text!("parent", "Case or pallet SSCC", true)]),
        CommandKind::Unpack => ("Unpack", &[]),
        CommandKind::Inspect => (
            "Record inspection",
            &[
                Field { name: "result", label: "Result", required: true, choices: INSPECTION_RESULTS },
                text!("notes", "Notes", false),
            ],
        ),
        CommandKind::RecordService => ("Record service", &[text!("notes", "Service notes", true)]),
        CommandKind::AddNote => ("Add note", &[text!("text", "Note", true)]),
        CommandKind::Commission | CommandKind::ReplaceSerial => return None,
    };
    Some(UnitAction { kind, label, fields })
}

/// Facts offered in every status but the closed ones.
const FACTS: [CommandKind; 4] =
    [CommandKind::Move, CommandKind::AddNote, CommandKind::RecordService, CommandKind::Inspect];

/// The actions the unit screen offers for a unit in `status`: the table's moves first, in table order, then
/// the facts. A closed unit (retired, decommissioned) offers only its table moves (the FMD undo).
pub fn actions_for(status: UnitStatus) -> Vec<UnitAction> {
    let moves = transitions_from(status).filter_map(|transition| action(transition.command));
    let facts = FACTS.into_iter().filter(|_| !status.is_closed()).filter_map(action);
    let mut actions: Vec<UnitAction> = Vec::new();
    for candidate in moves.chain(facts) {
        if !actions.iter().any(|known| known.kind == candidate.kind) {
            actions.push(candidate);
        }
    }
    actions
}

/// The command an action's form describes, or what is missing, in words.
pub fn command(kind: CommandKind, value: impl Fn(&str) -> String) -> Result<UnitCommand, String> {
    let given = |name: &str| Some(value(name).trim().to_owned()).filter(|text| !text.is_empty());
    let needed = |name: &str, label: &str| given(name).ok_or_else(|| format!("{label} is needed."));
    Ok(match kind {
        CommandKind::Allocate => UnitCommand::Allocate { order: needed("order", "The order")? },
        CommandKind::CancelAllocation => UnitCommand::CancelAllocation { reason: given("reason") },
        CommandKind::Pick => UnitCommand::Pick { order: given("order") },
        CommandKind::Unpick => UnitCommand::Unpick,
        CommandKind::Ship => UnitCommand::Ship {
            carrier: given("carrier"),
            tracking: given("tracking"),
            destination: given("destination"),
        },
        CommandKind::Deliver => UnitCommand::Deliver { receiver: given("receiver") },
        CommandKind::StartService => UnitCommand::StartService { reason: needed("reason", "A reason")? },
        CommandKind::Repair => UnitCommand::Repair { notes: given("notes") },
        CommandKind::DeclareUnrepairable => UnitCommand::DeclareUnrepairable { reason: needed("reason", "A reason")? },
        CommandKind::Quarantine => UnitCommand::Quarantine { reason: needed("reason", "A reason")? },
        CommandKind::ResolveQuarantine => UnitCommand::ResolveQuarantine { notes: given("notes") },
        CommandKind::FailInspection => UnitCommand::FailInspection { reason: needed("reason", "A reason")? },
        CommandKind::Recall => UnitCommand::Recall { recall_ref: needed("recall_ref", "The recall reference")? },
        CommandKind::Retire => UnitCommand::Retire,
        CommandKind::Decommission => UnitCommand::Decommission {
            reason: match needed("reason", "A reason")?.as_str() {
                "destroyed" => DecommissionReason::Destroyed,
                "sample" => DecommissionReason::Sample,
                "stolen" => DecommissionReason::Stolen,
                "expired" => DecommissionReason::Expired,
                "damaged" => DecommissionReason::Damaged,
                _ => DecommissionReason::Other { text: needed("other_reason", "For \"Other\", the reason")? },
            },
        },
        CommandKind::UndoDecommission => UnitCommand::UndoDecommission,
        CommandKind::Move => UnitCommand::Move { location: needed("location", "A location")? },
        CommandKind::TransferOwnership => UnitCommand::TransferOwnership { owner: needed("owner", "The new owner")? },
        CommandKind::Pack => UnitCommand::Pack {
            parent: Sscc::parse(&needed("parent", "The SSCC")?)
                .map_err(|error| format!("The SSCC is not valid: {error}."))?,
        },
        CommandKind::Unpack => UnitCommand::Unpack,
        CommandKind::Inspect => UnitCommand::Inspect {
            result: match needed("result", "The result")?.as_str() {
                "failed" => InspectionResult::Failed,
                _ => InspectionResult::Passed,
            },
            notes: given("notes"),
        },
        CommandKind::RecordService => UnitCommand::RecordService { notes: needed("notes", "Service notes")? },
        CommandKind::AddNote => UnitCommand::AddNote { text: needed("text", "The note")? },
        CommandKind::Commission | CommandKind::ReplaceSerial => {
            return Err("This is not done from the unit screen.".into())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decommissioning_as_other_needs_its_reason_in_words() {
        let form = |reason: &'static str, text: &'static str| {
            move |name: &str| match name {
                "reason" => reason.to_owned(),
                "other_reason" => text.to_owned(),
                _ => String::new(),
            }
        };
        let damaged = command(CommandKind::Decommission, form("damaged", ""));
        assert_eq!(damaged, Ok(UnitCommand::Decommission { reason: DecommissionReason::Damaged }));
        let other = command(CommandKind::Decommission, form("other", " dropped in QA "));
        assert_eq!(
            other,
            Ok(UnitCommand::Decommission { reason: DecommissionReason::Other { text: "dropped in QA".into() } })
        );
        assert_eq!(
            command(CommandKind::Decommission, form("other", "")),
            Err("For \"Other\", the reason is needed.".into())
        );
    }

    fn labels(status: UnitStatus) -> Vec<&'static str> {
        actions_for(status).into_iter().map(|action| action.label).collect()
    }

    #[test]
    fn a_picked_unit_offers_its_table_moves_then_the_facts() {
        assert_eq!(
            labels(UnitStatus::Picked),
            ["Ship", "Unpick", "Quarantine", "Move to location", "Add note", "Record service", "Record inspection"]
        );
    }

    #[test]
    fn a_retired_unit_offers_nothing_and_a_decommissioned_one_only_the_undo() {
        assert!(labels(UnitStatus::Retired).is_empty());
        assert_eq!(labels(UnitStatus::Decommissioned), ["Undo decommission"]);
    }

    #[test]
    fn a_form_becomes_the_command_and_a_missing_field_is_named() {
        let ship = command(CommandKind::Ship, |name| if name == "carrier" { " DHL ".into() } else { String::new() });
        assert_eq!(ship, Ok(UnitCommand::Ship { carrier: Some("DHL".into()), tracking: None, destination: None }));
        assert_eq!(command(CommandKind::Quarantine, |_| String::new()), Err("A reason is needed.".into()));
        let inspect =
            command(CommandKind::Inspect, |name| if name == "result" { "failed".into() } else { String::new() });
        assert_eq!(inspect, Ok(UnitCommand::Inspect { result: InspectionResult::Failed, notes: None }));
    }
}
