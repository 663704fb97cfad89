//! The six roles and, as one table, which of them may do what.

pub use serialtrack_shared::unit::Role;

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
    /// Create and revoke API keys, set their quotas, and set the export ceilings.
    ManageKeys,
    /// Add people, change their roles, disable them, set their passwords and end their sessions.
    ManageUsers,
    /// Invite partner organisations, accept, withdraw or decline invitations, and set a partnership's limit.
    ManagePartners,
    /// Read and settle refused changes people escalated from their devices.
    SettleEscalations,
    /// Work orders on a line: reserve and return blocks of an order's serials, commission them.
    WorkOrders,
    /// Set the organisation's retention policy and start a retention run (docs/RETENTION.md).
    ManageRetention,
    /// Place and lift legal holds, which stop archive and purge.
    PlaceHolds,
    /// Read, export and verify the organisation's audit trail (docs/AUDIT.md), its alerts, and the export
    /// ceilings it is watched with (docs/DATA_PROTECTION.md).
    Audit,
}

/// What the roles of the domain (`shared::unit::Role`) may do through the API.
pub trait RolePermissions {
    fn may(self, permission: Permission) -> bool;
}

impl RolePermissions for Role {
    /// The permission table: one place that says which role may do what.
    fn may(self, permission: Permission) -> bool {
        use Role::*;
        match permission {
            Permission::Read => true,
            Permission::ManageCatalog | Permission::ManagePool => matches!(self, Supervisor | Admin),
            Permission::RegisterUnits | Permission::WorkOrders => matches!(self, Operator | Supervisor | Admin),
            Permission::ApplyCommands => !matches!(self, Auditor),
            Permission::ManageKeys | Permission::ManageUsers | Permission::ManagePartners => matches!(self, Admin),
            Permission::ManageRetention => matches!(self, Admin),
            Permission::PlaceHolds => matches!(self, Quality | Admin),
            Permission::SettleEscalations => matches!(self, Supervisor | Quality | Admin),
            Permission::Audit => matches!(self, Auditor | Quality | Admin),
        }
    }
}

/// The OpenAPI schema of a role: a string, one of the six names.
pub fn role_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Role::ALL.map(Role::as_str)))
        .build()
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

    #[test]
    fn only_admins_manage_people_keys_and_partners() {
        for role in Role::ALL {
            let admins = [
                Permission::ManageKeys,
                Permission::ManageUsers,
                Permission::ManagePartners,
                Permission::ManageRetention,
            ];
            for permission in admins {
                assert_eq!(role.may(permission), role == Role::Admin, "{role:?} {permission:?}");
            }
        }
    }

    #[test]
    fn quality_and_admins_place_legal_holds() {
        for role in Role::ALL {
            assert_eq!(role.may(Permission::PlaceHolds), matches!(role, Role::Quality | Role::Admin), "{role:?}");
        }
    }

    #[test]
    fn auditors_quality_and_admins_read_the_audit_trail_and_no_one_else() {
        for role in Role::ALL {
            let expected = matches!(role, Role::Auditor | Role::Quality | Role::Admin);
            assert_eq!(role.may(Permission::Audit), expected, "{role:?}");
        }
    }
}
