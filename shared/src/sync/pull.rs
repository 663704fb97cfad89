//! The pull exchange: a device asks for the events after its cursor; the server answers a page of them, or
//! "reset" when the cursor no longer means anything in the server's log.

use super::op_result::OpResult;
use crate::unit::{upcast, RecordedEvent, RefusalCode, UnitKey, VersionError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// At most this many events per page: applying them is one client transaction.
pub const MAX_PULL_EVENTS: usize = 500;

/// What the device sends (as query parameters): its cursor and the log it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub cursor: u64,
    /// None before the device's first page.
    #[serde(default)]
    pub log_epoch: Option<Uuid>,
}

/// One event of the tenant's log, with its place in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct WireEvent {
    pub seq: u64,
    pub op_id: Uuid,
    pub unit: UnitKey,
    /// The `RecordedEvent` as JSON, so a device can tell an event of a newer vocabulary from a broken one.
    #[cfg_attr(feature = "utoipa", schema(value_type = Object))]
    pub event: serde_json::Value,
}

impl WireEvent {
    pub fn new(seq: u64, event: &RecordedEvent) -> WireEvent {
        WireEvent {
            seq,
            op_id: event.event_id,
            unit: event.unit.clone(),
            event: crate::json::to_value(event).expect("a RecordedEvent has string keys only, so it is valid JSON"),
        }
    }

    /// The event in this build's vocabulary, upcast if need be.
    pub fn recorded(&self) -> Result<RecordedEvent, VersionError> {
        upcast(self.event.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// Which incarnation of the log the seqs belong to; it changes when the server is restored from a backup.
    pub log_epoch: Uuid,
    /// Ascending, each seq greater than the request's cursor.
    pub events: Vec<WireEvent>,
    pub next_cursor: u64,
    pub head_seq: u64,
    pub has_more: bool,
    /// This device's op results since its last ack, so a device whose push answer was lost still learns them.
    #[serde(default)]
    pub op_results: Vec<OpResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
// Read through one flat struct: serde's reader of a tagged enum would buffer the whole page first (a second
// reader of every event type in the browser app, and a copy of 500 events), see `FlatAnswer`.
#[serde(tag = "answer", rename_all = "snake_case", try_from = "FlatAnswer")]
pub enum PullAnswer {
    Page(PullResponse),
    /// The device must re-bootstrap from a snapshot; it keeps its outbox and pushes it again.
    Reset {
        why: ResetReason,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum AnswerKind {
    Page,
    Reset,
}

/// A pull answer's fields, both kinds at once; `PullAnswer` is built from it by the kind `answer` names.
#[derive(Deserialize)]
struct FlatAnswer {
    answer: AnswerKind,
    #[serde(default)]
    why: Option<ResetReason>,
    #[serde(default)]
    log_epoch: Option<Uuid>,
    #[serde(default)]
    events: Option<Vec<WireEvent>>,
    #[serde(default)]
    next_cursor: Option<u64>,
    #[serde(default)]
    head_seq: Option<u64>,
    #[serde(default)]
    has_more: Option<bool>,
    #[serde(default)]
    op_results: Vec<OpResult>,
}

impl TryFrom<FlatAnswer> for PullAnswer {
    type Error = String;

    fn try_from(flat: FlatAnswer) -> Result<PullAnswer, String> {
        use crate::json::needed;
        Ok(match flat.answer {
            AnswerKind::Reset => PullAnswer::Reset { why: needed(flat.why, "why")? },
            AnswerKind::Page => PullAnswer::Page(PullResponse {
                log_epoch: needed(flat.log_epoch, "log_epoch")?,
                events: needed(flat.events, "events")?,
                next_cursor: needed(flat.next_cursor, "next_cursor")?,
                head_seq: needed(flat.head_seq, "head_seq")?,
                has_more: needed(flat.has_more, "has_more")?,
                op_results: flat.op_results,
            }),
        })
    }
}

/// Why a device's confirmed state must be thrown away and rebuilt from a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case", try_from = "FlatReason")]
pub enum ResetReason {
    /// The events after the cursor are no longer kept.
    CursorBelowRetention { cursor: u64, floor: u64 },
    /// The server's log is another one (restored from a backup, or a new server).
    EpochChanged { device_epoch: Uuid, server_epoch: Uuid },
    /// The device has seen more than the server has: the server was restored from a backup.
    CursorAheadOfHead { cursor: u64, head: u64 },
    /// Found by the device: the state machine refuses a server event. A bug; reported, then reset.
    EventRefused { seq: u64, code: RefusalCode, message: String },
    /// Found by the device: a page whose seqs are not strictly ascending. A bug; reported, then reset.
    EventsOutOfOrder { after: u64, got: u64 },
    /// Found by the device: an event of a supported vocabulary that cannot be read.
    UnreadableEvent { seq: u64, why: String },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ReasonKind {
    CursorBelowRetention,
    EpochChanged,
    CursorAheadOfHead,
    EventRefused,
    EventsOutOfOrder,
    UnreadableEvent,
}

/// Every reset reason's fields at once (read like `PullAnswer`, without buffering).
#[derive(Deserialize)]
struct FlatReason {
    reason: ReasonKind,
    cursor: Option<u64>,
    floor: Option<u64>,
    device_epoch: Option<Uuid>,
    server_epoch: Option<Uuid>,
    head: Option<u64>,
    seq: Option<u64>,
    code: Option<RefusalCode>,
    message: Option<String>,
    after: Option<u64>,
    got: Option<u64>,
    why: Option<String>,
}

impl TryFrom<FlatReason> for ResetReason {
    type Error = String;

    fn try_from(flat: FlatReason) -> Result<ResetReason, String> {
        use crate::json::needed;
        Ok(match flat.reason {
            ReasonKind::CursorBelowRetention => ResetReason::CursorBelowRetention {
                cursor: needed(flat.cursor, "cursor")?,
                floor: needed(flat.floor, "floor")?,
            },
            ReasonKind::EpochChanged => ResetReason::EpochChanged {
                device_epoch: needed(flat.device_epoch, "device_epoch")?,
                server_epoch: needed(flat.server_epoch, "server_epoch")?,
            },
            ReasonKind::CursorAheadOfHead => ResetReason::CursorAheadOfHead {
                cursor: needed(flat.cursor, "cursor")?,
                head: needed(flat.head, "head")?,
            },
            ReasonKind::EventRefused => ResetReason::EventRefused {
                seq: needed(flat.seq, "seq")?,
                code: needed(flat.code, "code")?,
                message: needed(flat.message, "message")?,
            },
            ReasonKind::EventsOutOfOrder => {
                ResetReason::EventsOutOfOrder { after: needed(flat.after, "after")?, got: needed(flat.got, "got")? }
            }
            ReasonKind::UnreadableEvent => {
                ResetReason::UnreadableEvent { seq: needed(flat.seq, "seq")?, why: needed(flat.why, "why")? }
            }
        })
    }
}

impl ResetReason {
    pub fn message(&self) -> String {
        match self {
            ResetReason::CursorBelowRetention { cursor, floor } => {
                format!("the server no longer keeps events after {cursor} (it keeps them from {floor}): reloading")
            }
            ResetReason::EpochChanged { .. } => "the server's log was restored or replaced: reloading".into(),
            ResetReason::CursorAheadOfHead { cursor, head } => format!(
                "this device has seen event {cursor} but the server's log ends at {head} (restored from a backup): \
                 reloading; the outbox will be sent again"
            ),
            ResetReason::EventRefused { seq, code, message } => format!(
                "event {seq} from the server cannot be applied here ({}: {message}); please report this",
                code.code()
            ),
            ResetReason::EventsOutOfOrder { after, got } => {
                format!("the server sent event {got} after {after}; please report this")
            }
            ResetReason::UnreadableEvent { seq, why } => {
                format!("event {seq} cannot be read ({why}); please report this")
            }
        }
    }
}

/// The server's end of a pull: the log as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogBounds {
    pub log_epoch: Uuid,
    /// The lowest cursor the server can still serve events after.
    pub retention_floor: u64,
    pub head_seq: u64,
}

/// Whether the server must answer "reset" instead of a page. A cursor of 0 with no epoch is a new device.
pub fn reset_reason(request: &PullRequest, log: &LogBounds) -> Option<ResetReason> {
    if let Some(device_epoch) = request.log_epoch.filter(|epoch| *epoch != log.log_epoch) {
        return Some(ResetReason::EpochChanged { device_epoch, server_epoch: log.log_epoch });
    }
    if request.cursor > log.head_seq {
        return Some(ResetReason::CursorAheadOfHead { cursor: request.cursor, head: log.head_seq });
    }
    if request.cursor < log.retention_floor {
        return Some(ResetReason::CursorBelowRetention { cursor: request.cursor, floor: log.retention_floor });
    }
    None
}
