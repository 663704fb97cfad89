//! The server's answer to one op: accepted with the event's sequence number, or refused with the reason and
//! what the server had. A duplicate is answered with the result stored the first time.

use crate::unit::{RecordedEvent, Refusal, RefusalCode, Unit};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct OpResult {
    pub op_id: Uuid,
    pub device_seq: u64,
    pub outcome: OpOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
// Read through one flat struct, as `PullAnswer` is (`pull.rs`).
#[serde(tag = "kind", rename_all = "snake_case", try_from = "FlatOutcome")]
pub enum OpOutcome {
    /// The op's event is in the log at `seq` (the last one, should a command ever make several).
    Accepted {
        seq: u64,
    },
    Refused(RefusedOp),
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeKind {
    Accepted,
    Refused,
}

/// Both outcomes' fields at once.
#[derive(Deserialize)]
struct FlatOutcome {
    kind: OutcomeKind,
    seq: Option<u64>,
    code: Option<RefusalCode>,
    message: Option<String>,
    #[serde(default)]
    unit_state: Option<serde_json::Value>,
    #[serde(default)]
    last_change: Option<LastChange>,
}

impl TryFrom<FlatOutcome> for OpOutcome {
    type Error = String;

    fn try_from(flat: FlatOutcome) -> Result<OpOutcome, String> {
        use crate::json::needed;
        Ok(match flat.kind {
            OutcomeKind::Accepted => OpOutcome::Accepted { seq: needed(flat.seq, "seq")? },
            OutcomeKind::Refused => OpOutcome::Refused(RefusedOp {
                code: needed(flat.code, "code")?,
                message: needed(flat.message, "message")?,
                unit_state: flat.unit_state,
                last_change: flat.last_change,
            }),
        })
    }
}

/// Why the server refused an op, and what it had at that moment: what the conflict inbox shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct RefusedOp {
    pub code: RefusalCode,
    /// The reason in words.
    pub message: String,
    /// The unit as the server had it when it refused (JSON of `Unit`, so an older device can still show it).
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<Object>))]
    pub unit_state: Option<serde_json::Value>,
    /// Who changed the unit last before the refusal, when known.
    #[serde(default)]
    pub last_change: Option<LastChange>,
}

/// The change that made the unit what it was when an op was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct LastChange {
    pub seq: u64,
    /// The actor's name.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub device_id: Option<String>,
}

impl LastChange {
    pub fn from_event(seq: u64, event: &RecordedEvent) -> LastChange {
        LastChange { seq, by: event.actor.name.clone(), at: event.at, device_id: event.device_id.clone() }
    }
}

impl RefusedOp {
    /// A refusal by the state machine, with the unit as it stood and its last change.
    pub fn new(refusal: &Refusal, unit: Option<&Unit>, last_change: Option<LastChange>) -> RefusedOp {
        RefusedOp {
            code: refusal.code,
            message: refusal.message.clone(),
            unit_state: unit.and_then(|unit| crate::json::to_value(unit).ok()),
            last_change,
        }
    }

    /// An op whose command cannot be read although its vocabulary version is supported: it can never succeed.
    pub fn unreadable(why: &str) -> RefusedOp {
        RefusedOp {
            code: RefusalCode::InvalidInput,
            message: format!("the command cannot be read: {why}"),
            unit_state: None,
            last_change: None,
        }
    }

    /// The unit the server had, when this build can read it.
    pub fn unit(&self) -> Option<Unit> {
        self.unit_state.as_ref().and_then(|state| crate::json::from_value(state).ok())
    }

    pub fn refusal(&self) -> Refusal {
        Refusal::new(self.code, self.message.clone())
    }
}
