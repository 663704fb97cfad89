//! Bootstrap: a new (or reset) device reads the server's projection in pages instead of replaying the log.

use crate::unit::{Unit, UnitKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Units per snapshot page.
pub const MAX_SNAPSHOT_UNITS: usize = 500;

/// One page of the projection, read at `as_of_seq`; the device pulls from `as_of_seq` afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPage {
    pub as_of_seq: u64,
    pub log_epoch: Uuid,
    /// In key order.
    pub units: Vec<SnapshotUnit>,
    /// The key to ask the next page after; None on the last page.
    #[serde(default)]
    pub next_after: Option<UnitKey>,
    pub has_more: bool,
}

/// A unit with the seq of the last event folded into it, so the device skips events it already contains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotUnit {
    pub last_seq: u64,
    pub unit: Unit,
}
