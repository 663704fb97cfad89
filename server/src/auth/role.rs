//! The six roles and, as one table, which of them may do what.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Line and warehouse staff: register and move units.
    Operator,
    /// Runs a line or a warehouse: also manages products and the pool, approves.
    Supervisor,
    /// Quality staff: quarantine, release, inspections.
    Quality,
    /// Field service: service events.
    Service,
    /// Reads everything, changes nothing.
    Auditor,
    /// Everything, including API keys.
    Admin,
}

/// Something a route does that not every role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read products, the pool, units, histories and events.
    Read,
    /// Create and change products and locations.
    ManageCatalog,
    /// Generate and import pool serials.
    ManagePool,
    /// Register units (a range or a list).
    RegisterUnits,
    /// Apply a command to a unit (the product's workflow may restrict particular transitions further).
    ApplyCommands,
    /// Create and revoke API keys.
    ManageKeys,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Operator, Role::Supervisor, Role::Quality, Role::Service, Role::Auditor, Role::Admin];

    /// The permission table: one place that says which role may do what.
    pub fn may(self, permission: Permission) -> bool {
        use Role::*;
        match permission {
            Permission::Read => true,
            Permission::ManageCatalog | Permission::ManagePool => matches!(self, Supervisor | Admin),
            Permission::RegisterUnits => matches!(self, Operator | Supervisor | Admin),
            Permission::ApplyCommands => !matches!(self, Auditor),
            Permission::ManageKeys => matches!(self, Admin),
        }
    }

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
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Role::ALL.into_iter().find(|role| role.as_str() == text).ok_or_else(|| {
            format!("'{text}' is not a role: use operator, supervisor, quality, service, auditor or admin")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn an_auditor_reads_but_changes_nothing() {
        assert!(Role::Auditor.may(Permission::Read));
        for permission in [Permission::ManageCatalog, Permission::RegisterUnits, Permission::ApplyCommands] {
            assert!(!Role::Auditor.may(permission));
        }
    }
}
