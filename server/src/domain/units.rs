//! Units on the server: the shared lifecycle (`serialtrack_shared::unit`) applied to the store's rows. The
//! server decides with the same `handle` / `apply` the devices run, and stores each accepted event as the
//! versioned `RecordedEvent` JSON, so the log replays with `apply` alone.

use crate::store::{Decision, EventRecord, ProductRecord, UnitChange, UnitRecord};
use serialtrack_shared::ids::{CodeSchema, Lot, ProductCode, Serial};
use serialtrack_shared::unit::{
    apply, handle, upcast, Actor, Approval, CommandContext, RecordedEvent, Unit, UnitCommand, UnitKey,
    WorkflowSettings, EVENT_SCHEMA_VERSION,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum UnitError {
    #[error("{0}")]
    InvalidCommand(String),
    #[error("event {seq} cannot be applied: {message}")]
    Replay { seq: i64, message: String },
    #[error("the product's stored settings cannot be read: {0}")]
    Product(String),
}

/// Who is acting, as the log records it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub device_id: Option<String>,
    pub approval: Option<Approval>,
    /// The device's clock when the user acted (a pushed op's `client_time`); kept on its events.
    pub client_time: Option<OffsetDateTime>,
}

/// What a unit starts with when it is registered (commissioned).
#[derive(Debug, Clone, Default)]
pub struct Commissioning {
    pub lot: Option<Lot>,
    pub expiry: Option<Date>,
    pub location: Option<String>,
    pub owner: Option<String>,
}

/// The product's code as the unit key holds it.
pub fn product_code(product: &ProductRecord) -> Result<ProductCode, UnitError> {
    let schema = CodeSchema::from_name(&product.code_schema)
        .ok_or_else(|| UnitError::Product(format!("unknown code schema {:?}", product.code_schema)))?;
    ProductCode::parse(schema, &product.code).map_err(|error| UnitError::Product(error.to_string()))
}

/// The product's workflow settings (the default workflow when none were stored).
pub fn workflow(product: &ProductRecord) -> Result<WorkflowSettings, UnitError> {
    let value: serde_json::Value =
        serde_json::from_str(&product.workflow).map_err(|error| UnitError::Product(error.to_string()))?;
    if value.as_object().is_some_and(|object| object.is_empty()) {
        return Ok(WorkflowSettings::default());
    }
    serde_json::from_value(value).map_err(|error| UnitError::Product(error.to_string()))
}

/// Parses a command as the API takes it: `{"type": "ship", "carrier": "DHL"}`.
pub fn parse_command(command: serde_json::Value) -> Result<UnitCommand, UnitError> {
    serde_json::from_value(command).map_err(|error| UnitError::InvalidCommand(error.to_string()))
}

/// The first event and state of a newly registered unit: (change, event kind, event payload).
pub fn register(
    code: &ProductCode,
    serial: &str,
    commissioning: &Commissioning,
    caller: &Caller,
    op_id: Uuid,
    now: OffsetDateTime,
) -> Result<(UnitChange, String, String), UnitError> {
    let serial = Serial::parse(serial).map_err(|error| UnitError::InvalidCommand(error.to_string()))?;
    let key = UnitKey { product: code.clone(), serial };
    let command = UnitCommand::Commission {
        lot: commissioning.lot.clone(),
        expiry: commissioning.expiry,
        location: commissioning.location.clone(),
        owner: commissioning.owner.clone(),
    };
    let workflow = WorkflowSettings::default();
    match decide_events(None, key, &command, caller, &workflow, op_id, now) {
        Ok((unit, mut events)) => {
            let (kind, payload) = events.remove(0);
            Ok((change_of(&unit), kind, payload))
        }
        Err(refusal) => Err(UnitError::InvalidCommand(refusal.message)),
    }
}

/// Runs a command against the unit's current row with the shared state machine; refusals carry a reason code.
pub fn decide(
    unit: &UnitRecord,
    command: &UnitCommand,
    caller: &Caller,
    workflow: &WorkflowSettings,
    op_id: Uuid,
    now: OffsetDateTime,
) -> Decision {
    if let Some(refusal) = retired(unit) {
        return Decision::Refuse { code: refusal.code.code().into(), message: refusal.message };
    }
    let current: Unit = match serde_json::from_str(&unit.state) {
        Ok(current) => current,
        Err(error) => {
            tracing::error!(unit = %unit.id, %error, "a stored unit state cannot be read");
            return Decision::Refuse {
                code: "unit_state_unreadable".into(),
                message: "the unit's stored state cannot be read: an administrator should run serialtrack rebuild"
                    .into(),
            };
        }
    };
    let key = current.key.clone();
    match decide_events(Some(current), key, command, caller, workflow, op_id, now) {
        Ok((unit, events)) => Decision::Accept { events, change: change_of(&unit) },
        Err(refusal) => Decision::Refuse { code: refusal.code.code().into(), message: refusal.message },
    }
}

/// The refusal of any command on a unit whose history retention archived or purged (docs/RETENTION.md): it
/// has been at rest for years, and its history is no longer in the log that new events would extend.
pub fn retired(unit: &UnitRecord) -> Option<serialtrack_shared::unit::Refusal> {
    let moved = match unit.place.as_str() {
        "archived" => "archived",
        "purged" => "purged",
        _ => return None,
    };
    Some(serialtrack_shared::unit::Refusal::new(
        serialtrack_shared::unit::RefusalCode::HistoryRetired,
        format!("unit {} was at rest and its history was {moved} by retention: it takes no more events", unit.serial),
    ))
}

/// The unit after a command and the command's events as stored (kind, payload JSON), or the refusal.
pub type Decided = Result<(Unit, Vec<(String, String)>), serialtrack_shared::unit::Refusal>;

/// Runs a command with the shared state machine and records its events as the log stores them.
pub fn decide_events(
    current: Option<Unit>,
    key: UnitKey,
    command: &UnitCommand,
    caller: &Caller,
    workflow: &WorkflowSettings,
    op_id: Uuid,
    now: OffsetDateTime,
) -> Decided {
    let context = CommandContext { actor: &caller.actor, now, workflow, approval: caller.approval.clone() };
    let events = handle(current.as_ref(), command, &context)?;
    let mut unit = current;
    let mut stored = Vec::with_capacity(events.len());
    for (index, event) in events.into_iter().enumerate() {
        // The first event's id is the command's op_id (docs/SYNC.md), so a retried command is recognisable in the log.
        let event_id = if index == 0 { op_id } else { Uuid::new_v5(&op_id, &index.to_le_bytes()) };
        let recorded = RecordedEvent {
            schema_version: EVENT_SCHEMA_VERSION,
            event_id,
            unit: key.clone(),
            at: now,
            actor: caller.actor.clone(),
            device_id: caller.device_id.clone(),
            observed_at: caller.client_time,
            event,
        };
        unit = Some(apply(unit, &recorded)?);
        let payload = serde_json::to_string(&recorded).unwrap_or_default();
        stored.push((recorded.event.name().to_owned(), payload));
    }
    let unit = unit.ok_or_else(|| {
        serialtrack_shared::unit::Refusal::new(
            serialtrack_shared::unit::RefusalCode::InvalidInput,
            "the command made no event",
        )
    })?;
    Ok((unit, stored))
}

/// Applies one event of the log to a unit's state (None before its commissioning); a refusal is an error,
/// because the log must always replay.
pub fn apply_event(current: Option<Unit>, event: &EventRecord) -> Result<Unit, UnitError> {
    let replay_error = |message: String| UnitError::Replay { seq: event.seq, message };
    let payload: serde_json::Value =
        serde_json::from_str(&event.payload).map_err(|error| replay_error(error.to_string()))?;
    let recorded = upcast(payload).map_err(|error| replay_error(error.to_string()))?;
    apply(current, &recorded).map_err(|refusal| replay_error(refusal.to_string()))
}

/// The projection's columns for a unit.
pub fn change_of(unit: &Unit) -> UnitChange {
    UnitChange { status: unit.status.code().to_owned(), state: serde_json::to_string(unit).unwrap_or_default() }
}
