//! Per-product workflow settings: which roles may make a transition, which need a second person's approval,
//! and which happen automatically (a machine's job, not offered to people).

use super::command::Role;
use super::status::UnitStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct RoleRestriction {
    pub from: UnitStatus,
    pub to: UnitStatus,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub from: UnitStatus,
    pub to: UnitStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct WorkflowSettings {
    #[serde(default)]
    pub restricted: Vec<RoleRestriction>,
    #[serde(default)]
    pub approval_required: Vec<StatusChange>,
    #[serde(default)]
    pub automatic: Vec<StatusChange>,
}

impl Default for WorkflowSettings {
    /// Releasing a unit from quarantine needs approval; undoing a decommissioning is for supervisors, quality
    /// and admins (docs/DOMAIN.md, "Workflow settings").
    fn default() -> Self {
        Self {
            restricted: vec![RoleRestriction {
                from: UnitStatus::Decommissioned,
                to: UnitStatus::Available,
                roles: vec![Role::Supervisor, Role::Quality, Role::Admin],
            }],
            approval_required: vec![StatusChange { from: UnitStatus::Quarantine, to: UnitStatus::Available }],
            automatic: Vec::new(),
        }
    }
}

impl WorkflowSettings {
    /// The roles allowed to make `from → to`, or None when anyone but an auditor may.
    pub fn allowed_roles(&self, from: UnitStatus, to: UnitStatus) -> Option<&[Role]> {
        self.restricted.iter().find(|r| r.from == from && r.to == to).map(|r| r.roles.as_slice())
    }

    pub fn needs_approval(&self, from: UnitStatus, to: UnitStatus) -> bool {
        self.approval_required.iter().any(|c| c.from == from && c.to == to)
    }

    pub fn is_automatic(&self, from: UnitStatus, to: UnitStatus) -> bool {
        self.automatic.iter().any(|c| c.from == from && c.to == to)
    }
}
