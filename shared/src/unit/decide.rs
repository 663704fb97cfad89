//! The decision functions: `handle` (may this command happen? which events follow?) and the fallible `apply`
//! (fold one recorded event into the unit). Both run the same state rules, `effect`, so `apply` refuses
//! exactly the events `handle` would not have produced from that state — which lets the server replay an
//! event recorded offline and say no.

use super::command::{location_problem, CommandKind, UnitCommand};
use super::event::{Actor, Approval, RecordedEvent, UnitEvent};
use super::refusal::{Refusal, RefusalCode};
use super::status::UnitStatus;
use super::transitions::transition;
use super::unit::{Decommissioning, Unit};
use super::workflow::WorkflowSettings;
use crate::unit::command::Role;
use time::{Duration, OffsetDateTime};

/// FMD Art. 13: a decommissioning may be undone within 10 days.
pub const UNDO_WINDOW: Duration = Duration::days(10);
const MAX_TEXT: usize = 500;
const MAX_NOTE: usize = 2000;

/// Who asks, when, under which product workflow, with whose approval.
#[derive(Debug, Clone)]
pub struct CommandContext<'a> {
    pub actor: &'a Actor,
    pub now: OffsetDateTime,
    pub workflow: &'a WorkflowSettings,
    pub approval: Option<Approval>,
}

/// Decides a command against the unit's current state (None: the unit does not exist yet).
pub fn handle(
    state: Option<&Unit>,
    command: &UnitCommand,
    context: &CommandContext,
) -> Result<Vec<UnitEvent>, Refusal> {
    if context.actor.role == Role::Auditor {
        return Err(Refusal::new(RefusalCode::RoleNotAllowed, "auditors can read everything but change nothing"));
    }
    validate_input(command)?;
    let (from, to) = effect(state, command, context.now, context.actor.party.as_deref())?;
    let mut approved_by = None;
    if let Some(from) = from.filter(|from| *from != to) {
        if let Some(roles) = context.workflow.allowed_roles(from, to) {
            if !roles.contains(&context.actor.role) {
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                return Err(Refusal::new(
                    RefusalCode::RoleNotAllowed,
                    format!("{from} → {to} is for {} only under this product's workflow", names.join(", ")),
                ));
            }
        }
        if context.workflow.needs_approval(from, to) {
            approved_by = Some(check_approval(context, from, to)?);
        }
    }
    Ok(vec![UnitEvent { what: command.clone(), from, to, approved_by }])
}

fn check_approval(context: &CommandContext, from: UnitStatus, to: UnitStatus) -> Result<Approval, Refusal> {
    let refuse = |why: &str| Refusal::new(RefusalCode::ApprovalRequired, format!("{from} → {to} {why}"));
    let approval = context.approval.clone().ok_or_else(|| refuse("needs a supervisor's or quality's approval"))?;
    if !approval.role.may_approve() {
        return Err(refuse("needs approval by a supervisor, quality or admin"));
    }
    if approval.by == context.actor.name {
        return Err(refuse("needs approval by a second person, not the one making the change"));
    }
    Ok(approval)
}

/// Folds one recorded event into the unit, refusing an event the unit's state does not allow.
pub fn apply(state: Option<Unit>, recorded: &RecordedEvent) -> Result<Unit, Refusal> {
    if let Some(unit) = &state {
        if unit.key != recorded.unit {
            return Err(Refusal::new(RefusalCode::WrongUnit, "this event belongs to another unit"));
        }
    }
    let event = &recorded.event;
    let (from, to) = effect(state.as_ref(), &event.what, recorded.at, recorded.actor.party.as_deref())?;
    if from != event.from || to != event.to {
        return Err(Refusal::new(
            RefusalCode::InvalidTransition,
            format!(
                "the event moves the unit {} → {}, but the unit is {}",
                describe(event.from),
                event.to,
                describe(from)
            ),
        ));
    }
    let at = recorded.at;
    let mut unit = match state {
        Some(unit) => unit,
        None => Unit {
            key: recorded.unit.clone(),
            status: to,
            lot: None,
            expiry: None,
            location: None,
            owner: None,
            parent: None,
            order: None,
            decommissioned: None,
            ever_recalled: false,
            replaced_by: None,
            commissioned_at: at,
            updated_at: at,
            version: 0,
        },
    };
    match &event.what {
        UnitCommand::Commission { lot, expiry, location, owner } => {
            unit.lot = lot.clone();
            unit.expiry = *expiry;
            unit.location = location.clone();
            unit.owner = owner.clone();
        }
        UnitCommand::Allocate { order } => unit.order = Some(order.clone()),
        UnitCommand::CancelAllocation { .. } => unit.order = None,
        UnitCommand::Pick { order: Some(order) } => unit.order = Some(order.clone()),
        UnitCommand::Ship { destination: Some(destination), .. } => unit.location = Some(destination.clone()),
        UnitCommand::Deliver { receiver: Some(receiver) } => unit.owner = Some(receiver.clone()),
        UnitCommand::Recall { .. } => unit.ever_recalled = true,
        UnitCommand::Decommission { reason } => {
            unit.decommissioned =
                Some(Decommissioning { reason: reason.clone(), at, party: recorded.actor.party.clone() })
        }
        UnitCommand::UndoDecommission => unit.decommissioned = None,
        UnitCommand::Move { location } => unit.location = Some(location.clone()),
        UnitCommand::TransferOwnership { owner } => unit.owner = Some(owner.clone()),
        UnitCommand::Pack { parent } => unit.parent = Some(parent.clone()),
        UnitCommand::Unpack => unit.parent = None,
        UnitCommand::ReplaceSerial { new_serial } => unit.replaced_by = Some(new_serial.clone()),
        _ => {}
    }
    unit.status = to;
    unit.updated_at = at;
    unit.version += 1;
    Ok(unit)
}

/// A unit's state from its events in order; None when there are none.
pub fn fold<'a>(events: impl IntoIterator<Item = &'a RecordedEvent>) -> Result<Option<Unit>, Refusal> {
    let mut state = None;
    for event in events {
        state = Some(apply(state, event)?);
    }
    Ok(state)
}

fn describe(status: Option<UnitStatus>) -> String {
    status.map_or_else(|| "not yet commissioned".to_owned(), |s| s.label().to_owned())
}

/// The state rules: from the unit's state, what status change would this command make?
fn effect(
    state: Option<&Unit>,
    command: &UnitCommand,
    at: OffsetDateTime,
    party: Option<&str>,
) -> Result<(Option<UnitStatus>, UnitStatus), Refusal> {
    let kind = command.kind();
    let unit = match (state, kind) {
        (None, CommandKind::Commission) => return Ok((None, UnitStatus::Available)),
        (Some(unit), CommandKind::Commission) => {
            return Err(Refusal::new(
                RefusalCode::UnitAlreadyExists,
                format!("unit {} already exists ({})", unit.key, unit.status),
            ))
        }
        (None, _) => {
            return Err(Refusal::new(RefusalCode::UnitNotFound, "this unit has not been commissioned or registered"))
        }
        (Some(unit), _) => unit,
    };
    let from = unit.status;
    if is_transition(kind) {
        let step = transition(from, kind)
            .ok_or_else(|| Refusal::new(RefusalCode::InvalidTransition, super::refusal_words::cannot(from, kind)))?;
        if kind == CommandKind::UndoDecommission {
            check_undo(unit, at, party)?;
        }
        return Ok((Some(from), step.to));
    }
    if from.is_closed() && kind != CommandKind::AddNote {
        return Err(Refusal::new(RefusalCode::UnitClosed, format!("the unit is {from}: only notes can be added")));
    }
    match command {
        UnitCommand::Pack { parent } if unit.parent.is_some() => {
            let current = unit.parent.as_ref().map(|p| p.to_string()).unwrap_or_default();
            return Err(Refusal::new(
                RefusalCode::PackingMismatch,
                format!("the unit is already packed in {current}: unpack it before packing it into {parent}"),
            ));
        }
        UnitCommand::Unpack if unit.parent.is_none() => {
            return Err(Refusal::new(RefusalCode::PackingMismatch, "the unit is not packed in a case or pallet"));
        }
        UnitCommand::ReplaceSerial { new_serial } if *new_serial == unit.key.serial => {
            return Err(Refusal::new(RefusalCode::InvalidInput, "the new serial is the unit's own serial"));
        }
        _ => {}
    }
    Ok((Some(from), from))
}

/// Commands that move the unit along the transition table (all but commissioning and the facts).
pub fn is_transition(kind: CommandKind) -> bool {
    !matches!(
        kind,
        CommandKind::Commission
            | CommandKind::Move
            | CommandKind::TransferOwnership
            | CommandKind::Pack
            | CommandKind::Unpack
            | CommandKind::Inspect
            | CommandKind::RecordService
            | CommandKind::AddNote
            | CommandKind::ReplaceSerial
    )
}

fn check_undo(unit: &Unit, at: OffsetDateTime, party: Option<&str>) -> Result<(), Refusal> {
    let Some(decommissioning) = &unit.decommissioned else {
        return Err(Refusal::new(RefusalCode::InvalidTransition, "the unit has no decommissioning to undo"));
    };
    if decommissioning.reason.is_final() || unit.ever_recalled {
        let why = if unit.ever_recalled { "recalled".to_owned() } else { decommissioning.reason.label() };
        return Err(Refusal::new(
            RefusalCode::UndoNotAllowedForReason,
            format!("a pack decommissioned as {why} can never be set back to active (FMD Art. 13)"),
        ));
    }
    if at - decommissioning.at > UNDO_WINDOW {
        return Err(Refusal::new(
            RefusalCode::UndoWindowPassed,
            "a decommissioning can be undone only within 10 days (FMD Art. 13)",
        ));
    }
    if decommissioning.party.as_deref() != party {
        return Err(Refusal::new(
            RefusalCode::UndoByOtherParty,
            "only the party that decommissioned the pack may undo it (FMD Art. 13)",
        ));
    }
    if unit.expiry.is_some_and(|expiry| expiry < at.date()) {
        return Err(Refusal::new(
            RefusalCode::UndoExpired,
            "an expired pack cannot be set back to active (FMD Art. 13)",
        ));
    }
    Ok(())
}

fn validate_input(command: &UnitCommand) -> Result<(), Refusal> {
    for (name, text) in command.texts() {
        let limit = if matches!(name, "note" | "notes") { MAX_NOTE } else { MAX_TEXT };
        if text.trim().is_empty() {
            return Err(Refusal::new(RefusalCode::InvalidInput, format!("the {name} cannot be empty")));
        }
        if text.chars().count() > limit {
            return Err(Refusal::new(
                RefusalCode::InvalidInput,
                format!("the {name} may have at most {limit} characters"),
            ));
        }
    }
    let location = match command {
        UnitCommand::Move { location } => Some(location.as_str()),
        UnitCommand::Commission { location: Some(location), .. } => Some(location.as_str()),
        _ => None,
    };
    if let Some(problem) = location.and_then(location_problem) {
        return Err(Refusal::new(RefusalCode::InvalidInput, format!("the location looks like a GLN but {problem}")));
    }
    Ok(())
}
