//! Units and the lifecycle state machine, as the server uses them: registration, deciding a command against
//! a unit's current state, and folding a unit's events (for `serialtrack rebuild`).
//!
//! INTERIM: the transition table below follows DESIGN.md until `shared::unit` lands on main; then these
//! functions call the shared `handle` / `apply` / `fold` and this table goes.

use crate::auth::Role;
use crate::store::{Decision, EventRecord, ProductRecord, UnitChange, UnitRecord};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum UnitError {
    #[error("{0}")]
    InvalidCommand(String),
    #[error("event {seq} cannot be applied: {message}")]
    Replay { seq: i64, message: String },
}

/// The state stored in the projection, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitState {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A command as the API takes it: `{"type": "ship"}`, `{"type": "add_note", "text": "…"}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    Allocate,
    Pick,
    Ship,
    Deliver,
    StartService,
    Quarantine,
    MarkDamaged,
    Recall,
    Retire,
    Decommission { reason: String },
    MakeAvailable,
    AddNote { text: String },
}

/// Every status in the lifecycle.
pub const STATUSES: [&str; 11] = [
    "available",
    "allocated",
    "picked",
    "shipped",
    "delivered",
    "under_service",
    "quarantine",
    "damaged",
    "recalled",
    "retired",
    "decommissioned",
];

fn target(command: &Command) -> Option<&'static str> {
    Some(match command {
        Command::Allocate => "allocated",
        Command::Pick => "picked",
        Command::Ship => "shipped",
        Command::Deliver => "delivered",
        Command::StartService => "under_service",
        Command::Quarantine => "quarantine",
        Command::MarkDamaged => "damaged",
        Command::Recall => "recalled",
        Command::Retire => "retired",
        Command::Decommission { .. } => "decommissioned",
        Command::MakeAvailable => "available",
        Command::AddNote { .. } => return None,
    })
}

fn allowed(from: &str, to: &str) -> bool {
    let targets: &[&str] = match from {
        "available" => &["allocated", "quarantine", "under_service", "decommissioned"],
        "allocated" => &["picked", "shipped", "available", "quarantine"],
        "picked" => &["shipped", "allocated", "quarantine"],
        "shipped" => &["delivered", "under_service"],
        "delivered" => &["under_service", "recalled"],
        "under_service" => &["available", "damaged"],
        "quarantine" => &["available", "damaged"],
        "damaged" | "recalled" => &["retired"],
        "decommissioned" => &["available"],
        _ => &[],
    };
    targets.contains(&to)
}

/// The first state and event of a newly registered unit: (change, event kind, event payload).
pub fn register(product_id: &str, serial: &str, lot: Option<&str>) -> (UnitChange, String, String) {
    let state = UnitState { status: "available".into(), note: None };
    let unit = Identity { product_id: product_id.into(), serial: serial.into(), lot: lot.map(str::to_owned) };
    let payload = serde_json::json!({"version": 1, "unit": unit, "event": {"type": "registered"}});
    (change(&state), "registered".into(), payload.to_string())
}

fn change(state: &UnitState) -> UnitChange {
    UnitChange { status: state.status.clone(), state: serde_json::to_string(state).unwrap_or_default() }
}

pub fn parse_command(command: serde_json::Value) -> Result<Command, UnitError> {
    serde_json::from_value(command).map_err(|error| UnitError::InvalidCommand(error.to_string()))
}

/// Runs a command against the unit's state; refusals carry a reason code.
pub fn decide(_product: &ProductRecord, unit: &UnitRecord, command: &Command, role: Role) -> Decision {
    let state: UnitState =
        serde_json::from_str(&unit.state).unwrap_or(UnitState { status: unit.status.clone(), note: None });
    match step(&state, command, role) {
        Ok((next, kind, payload)) => Decision::Accept { events: vec![(kind, payload)], change: change(&next) },
        Err((code, message)) => Decision::Refuse { code: code.into(), message },
    }
}

type Step = Result<(UnitState, String, String), (&'static str, String)>;

fn step(state: &UnitState, command: &Command, role: Role) -> Step {
    let payload = serde_json::json!({"version": 1, "event": command}).to_string();
    let kind =
        serde_json::to_value(command).ok().and_then(|v| v["type"].as_str().map(str::to_owned)).unwrap_or_default();
    let Some(to) = target(command) else {
        let note = match command {
            Command::AddNote { text } => Some(text.clone()),
            _ => state.note.clone(),
        };
        return Ok((UnitState { status: state.status.clone(), note }, kind, payload));
    };
    if !allowed(&state.status, to) {
        return Err(("transition_not_allowed", format!("a unit that is {} cannot become {to}", state.status)));
    }
    if state.status == "quarantine"
        && to == "available"
        && !matches!(role, Role::Quality | Role::Supervisor | Role::Admin)
    {
        return Err((
            "role_not_allowed",
            format!("releasing from quarantine needs quality, supervisor or admin; you are {role}"),
        ));
    }
    Ok((UnitState { status: to.into(), note: state.note.clone() }, kind, payload))
}

/// Who a unit is, as its registration event records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub product_id: String,
    pub serial: String,
    pub lot: Option<String>,
}

/// Applies one event of the log to a unit's state (none before its registration); a refusal is an error,
/// because the log must always replay.
pub fn apply_event(
    current: Option<&UnitState>,
    event: &EventRecord,
) -> Result<(UnitState, Option<Identity>), UnitError> {
    let replay_error = |message: String| UnitError::Replay { seq: event.seq, message };
    let payload: serde_json::Value =
        serde_json::from_str(&event.payload).map_err(|error| replay_error(error.to_string()))?;
    match (current, event.kind.as_str()) {
        (None, "registered") => {
            let identity =
                serde_json::from_value(payload["unit"].clone()).map_err(|error| replay_error(error.to_string()))?;
            Ok((UnitState { status: "available".into(), note: None }, Some(identity)))
        }
        (Some(current), _) => {
            let command = parse_command(payload["event"].clone()).map_err(|error| replay_error(error.to_string()))?;
            let (next, _, _) = step(current, &command, Role::Admin).map_err(|(_, message)| replay_error(message))?;
            Ok((next, None))
        }
        (None, _) => Err(replay_error("the unit's first event is not its registration".into())),
    }
}

/// The projection's columns for a state.
pub fn change_of(state: &UnitState) -> UnitChange {
    change(state)
}
