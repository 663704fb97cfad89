//! A unit as its events made it: the projection `fold` builds.

use super::command::DecommissionReason;
use super::event::UnitKey;
use super::status::UnitStatus;
use crate::ids::{Lot, Serial, Sscc};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub key: UnitKey,
    pub status: UnitStatus,
    pub lot: Option<Lot>,
    #[serde(default, with = "super::iso_date::option")]
    pub expiry: Option<Date>,
    pub location: Option<String>,
    pub owner: Option<String>,
    /// The case or pallet the unit is packed in.
    pub parent: Option<Sscc>,
    /// The order the unit is allocated or picked for.
    pub order: Option<String>,
    pub decommissioned: Option<Decommissioning>,
    /// Set once the unit has been recalled: FMD forbids undoing a later decommissioning.
    pub ever_recalled: bool,
    pub replaced_by: Option<Serial>,
    #[serde(with = "time::serde::rfc3339")]
    pub commissioned_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// How many events made this unit.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decommissioning {
    pub reason: DecommissionReason,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub party: Option<String>,
}
