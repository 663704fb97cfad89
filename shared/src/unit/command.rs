//! What a person or a machine asks of a unit (imperative), and who may ask.

use crate::ids::{Gln, Lot, Serial, Sscc};
use serde::{Deserialize, Serialize};
use time::Date;

/// The roles of people and API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Supervisor,
    Quality,
    Service,
    Auditor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Operator, Role::Supervisor, Role::Quality, Role::Service, Role::Auditor, Role::Admin];

    /// The role's name in JSON, storage and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Quality => "quality",
            Role::Service => "service",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == code)
    }

    /// Roles that may approve a gated transition (e.g. releasing a unit from quarantine).
    pub fn may_approve(self) -> bool {
        matches!(self, Role::Supervisor | Role::Quality | Role::Admin)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Role::from_code(text).ok_or_else(|| {
            format!("'{text}' is not a role: use operator, supervisor, quality, service, auditor or admin")
        })
    }
}

/// Why a unit was decommissioned (EU FMD reasons and the seed's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DecommissionReason {
    Destroyed,
    Sample,
    Stolen,
    Expired,
    Damaged,
    Other { text: String },
}

impl DecommissionReason {
    /// FMD Art. 13: a stolen or destroyed pack can never be set back to active.
    pub fn is_final(&self) -> bool {
        matches!(self, DecommissionReason::Stolen | DecommissionReason::Destroyed)
    }

    pub fn label(&self) -> String {
        match self {
            DecommissionReason::Destroyed => "destroyed".into(),
            DecommissionReason::Sample => "sample".into(),
            DecommissionReason::Stolen => "stolen".into(),
            DecommissionReason::Expired => "expired".into(),
            DecommissionReason::Damaged => "damaged".into(),
            DecommissionReason::Other { text } => format!("other: {text}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionResult {
    Passed,
    Failed,
}

/// A command on one unit. Transitions of the lifecycle table, then facts accepted in almost any state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
// Read through one flat struct, not serde's buffering reader of tagged enums (`command_reader.rs`).
#[serde(tag = "type", rename_all = "snake_case", try_from = "super::command_reader::FlatCommand")]
pub enum UnitCommand {
    Commission {
        #[serde(default)]
        lot: Option<Lot>,
        #[serde(default, with = "super::iso_date::option")]
        #[cfg_attr(feature = "utoipa", schema(schema_with = crate::openapi::optional_date))]
        expiry: Option<Date>,
        #[serde(default)]
        location: Option<String>,
        #[serde(default)]
        owner: Option<String>,
    },
    Allocate {
        order: String,
    },
    CancelAllocation {
        #[serde(default)]
        reason: Option<String>,
    },
    Pick {
        #[serde(default)]
        order: Option<String>,
    },
    Unpick,
    Ship {
        #[serde(default)]
        carrier: Option<String>,
        #[serde(default)]
        tracking: Option<String>,
        #[serde(default)]
        destination: Option<String>,
    },
    Deliver {
        #[serde(default)]
        receiver: Option<String>,
    },
    StartService {
        reason: String,
    },
    Repair {
        #[serde(default)]
        notes: Option<String>,
    },
    DeclareUnrepairable {
        reason: String,
    },
    Quarantine {
        reason: String,
    },
    ResolveQuarantine {
        #[serde(default)]
        notes: Option<String>,
    },
    FailInspection {
        reason: String,
    },
    Recall {
        recall_ref: String,
    },
    Retire,
    Decommission {
        reason: DecommissionReason,
    },
    UndoDecommission,
    Move {
        location: String,
    },
    TransferOwnership {
        owner: String,
    },
    Pack {
        parent: Sscc,
    },
    Unpack,
    Inspect {
        result: InspectionResult,
        #[serde(default)]
        notes: Option<String>,
    },
    RecordService {
        notes: String,
    },
    AddNote {
        text: String,
    },
    ReplaceSerial {
        new_serial: Serial,
    },
}

/// The command without its data: what the transition table and workflow settings refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    Commission,
    Allocate,
    CancelAllocation,
    Pick,
    Unpick,
    Ship,
    Deliver,
    StartService,
    Repair,
    DeclareUnrepairable,
    Quarantine,
    ResolveQuarantine,
    FailInspection,
    Recall,
    Retire,
    Decommission,
    UndoDecommission,
    Move,
    TransferOwnership,
    Pack,
    Unpack,
    Inspect,
    RecordService,
    AddNote,
    ReplaceSerial,
}

impl UnitCommand {
    pub fn kind(&self) -> CommandKind {
        match self {
            UnitCommand::Commission { .. } => CommandKind::Commission,
            UnitCommand::Allocate { .. } => CommandKind::Allocate,
            UnitCommand::CancelAllocation { .. } => CommandKind::CancelAllocation,
            UnitCommand::Pick { .. } => CommandKind::Pick,
            UnitCommand::Unpick => CommandKind::Unpick,
            UnitCommand::Ship { .. } => CommandKind::Ship,
            UnitCommand::Deliver { .. } => CommandKind::Deliver,
            UnitCommand::StartService { .. } => CommandKind::StartService,
            UnitCommand::Repair { .. } => CommandKind::Repair,
            UnitCommand::DeclareUnrepairable { .. } => CommandKind::DeclareUnrepairable,
            UnitCommand::Quarantine { .. } => CommandKind::Quarantine,
            UnitCommand::ResolveQuarantine { .. } => CommandKind::ResolveQuarantine,
            UnitCommand::FailInspection { .. } => CommandKind::FailInspection,
            UnitCommand::Recall { .. } => CommandKind::Recall,
            UnitCommand::Retire => CommandKind::Retire,
            UnitCommand::Decommission { .. } => CommandKind::Decommission,
            UnitCommand::UndoDecommission => CommandKind::UndoDecommission,
            UnitCommand::Move { .. } => CommandKind::Move,
            UnitCommand::TransferOwnership { .. } => CommandKind::TransferOwnership,
            UnitCommand::Pack { .. } => CommandKind::Pack,
            UnitCommand::Unpack => CommandKind::Unpack,
            UnitCommand::Inspect { .. } => CommandKind::Inspect,
            UnitCommand::RecordService { .. } => CommandKind::RecordService,
            UnitCommand::AddNote { .. } => CommandKind::AddNote,
            UnitCommand::ReplaceSerial { .. } => CommandKind::ReplaceSerial,
        }
    }

    /// The free texts of the command, named, for validation.
    pub(super) fn texts(&self) -> Vec<(&'static str, &str)> {
        let fields: Vec<(&'static str, Option<&str>)> = match self {
            UnitCommand::Commission { location, owner, .. } => {
                vec![("location", location.as_deref()), ("owner", owner.as_deref())]
            }
            UnitCommand::Allocate { order } => vec![("order", Some(order))],
            UnitCommand::CancelAllocation { reason } => vec![("reason", reason.as_deref())],
            UnitCommand::Pick { order } => vec![("order", order.as_deref())],
            UnitCommand::Ship { carrier, tracking, destination } => vec![
                ("carrier", carrier.as_deref()),
                ("tracking", tracking.as_deref()),
                ("destination", destination.as_deref()),
            ],
            UnitCommand::Deliver { receiver } => vec![("receiver", receiver.as_deref())],
            UnitCommand::StartService { reason }
            | UnitCommand::DeclareUnrepairable { reason }
            | UnitCommand::Quarantine { reason }
            | UnitCommand::FailInspection { reason } => vec![("reason", Some(reason))],
            UnitCommand::Repair { notes }
            | UnitCommand::ResolveQuarantine { notes }
            | UnitCommand::Inspect { notes, .. } => {
                vec![("notes", notes.as_deref())]
            }
            UnitCommand::Recall { recall_ref } => vec![("recall reference", Some(recall_ref))],
            UnitCommand::Decommission { reason: DecommissionReason::Other { text } } => vec![("reason", Some(text))],
            UnitCommand::Move { location } => vec![("location", Some(location))],
            UnitCommand::TransferOwnership { owner } => vec![("owner", Some(owner))],
            UnitCommand::RecordService { notes } => vec![("notes", Some(notes))],
            UnitCommand::AddNote { text } => vec![("note", Some(text))],
            _ => Vec::new(),
        };
        fields.into_iter().filter_map(|(name, value)| value.map(|value| (name, value))).collect()
    }
}

/// A location given as a GLN is checked as one; anything else is a free name.
pub(super) fn location_problem(location: &str) -> Option<String> {
    let looks_like_gln = location.len() == 13 && location.bytes().all(|b| b.is_ascii_digit());
    if looks_like_gln {
        Gln::parse(location).err().map(|error| error.to_string())
    } else {
        None
    }
}
