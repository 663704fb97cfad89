//! The unit lifecycle: a physical, serialized item from commissioning to retirement.
//!
//! - [`status`]: the statuses; [`transitions`]: the transition table, as data.
//! - [`command`]: what may be asked of a unit; [`event`]: what happened, versioned, with who/when.
//! - [`decide`]: `handle` (command → events or a refusal) and the fallible `apply` / `fold`.
//! - [`workflow`]: per-product role restrictions, approvals and automatic transitions.
//! - [`refusal`]: stable reason codes with a sentence; [`epcis`]: the EPCIS / CBV mapping.

pub mod command;
mod command_reader;
pub mod decide;
pub mod epcis;
pub mod event;
pub mod iso_date;
pub mod refusal;
pub mod refusal_words;
pub mod status;
pub mod transitions;
#[allow(clippy::module_inception)]
pub mod unit;
pub mod workflow;

pub use command::{CommandKind, DecommissionReason, InspectionResult, Role, UnitCommand};
pub use decide::{apply, fold, handle, is_transition, CommandContext, UNDO_WINDOW};
pub use epcis::{epcis_mapping, EpcisAction, EpcisEventType, EpcisMapping};
pub use event::{
    past_tense, upcast, upcast_command, Actor, Approval, RecordedEvent, UnitEvent, UnitKey, VersionError,
    VersionedCommand, COMMAND_SCHEMA_VERSION, EVENT_SCHEMA_VERSION,
};
pub use refusal::{Refusal, RefusalCode};
pub use status::UnitStatus;
pub use transitions::{is_allowed, transition, transitions_from, Transition, TRANSITIONS};
pub use unit::{Decommissioning, Unit};
pub use workflow::{RoleRestriction, StatusChange, WorkflowSettings};
