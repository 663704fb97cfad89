//! Where a physical unit stands in its life.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    Available,
    Allocated,
    Picked,
    Shipped,
    Delivered,
    UnderService,
    Quarantine,
    Damaged,
    Recalled,
    Retired,
    Decommissioned,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 11] = [
        UnitStatus::Available,
        UnitStatus::Allocated,
        UnitStatus::Picked,
        UnitStatus::Shipped,
        UnitStatus::Delivered,
        UnitStatus::UnderService,
        UnitStatus::Quarantine,
        UnitStatus::Damaged,
        UnitStatus::Recalled,
        UnitStatus::Retired,
        UnitStatus::Decommissioned,
    ];

    /// The status in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            UnitStatus::Available => "Available",
            UnitStatus::Allocated => "Allocated",
            UnitStatus::Picked => "Picked",
            UnitStatus::Shipped => "Shipped",
            UnitStatus::Delivered => "Delivered",
            UnitStatus::UnderService => "Under service",
            UnitStatus::Quarantine => "Quarantine",
            UnitStatus::Damaged => "Damaged",
            UnitStatus::Recalled => "Recalled",
            UnitStatus::Retired => "Retired",
            UnitStatus::Decommissioned => "Decommissioned",
        }
    }

    /// The snake_case code used in JSON and storage.
    pub fn code(self) -> &'static str {
        match self {
            UnitStatus::Available => "available",
            UnitStatus::Allocated => "allocated",
            UnitStatus::Picked => "picked",
            UnitStatus::Shipped => "shipped",
            UnitStatus::Delivered => "delivered",
            UnitStatus::UnderService => "under_service",
            UnitStatus::Quarantine => "quarantine",
            UnitStatus::Damaged => "damaged",
            UnitStatus::Recalled => "recalled",
            UnitStatus::Retired => "retired",
            UnitStatus::Decommissioned => "decommissioned",
        }
    }

    pub fn from_code(code: &str) -> Option<UnitStatus> {
        UnitStatus::ALL.into_iter().find(|status| status.code() == code)
    }

    /// End states: a retired or decommissioned unit takes no more events, except the FMD undo.
    pub fn is_closed(self) -> bool {
        matches!(self, UnitStatus::Retired | UnitStatus::Decommissioned)
    }
}

impl fmt::Display for UnitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
