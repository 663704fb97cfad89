//! Who is calling, and what that caller may do. Where the caller comes from (the session cookie or an
//! `Authorization: Bearer` API key, never the request body) is `authenticate.rs`. The tenant every handler
//! works in comes from here.

use super::error::ApiError;
use crate::auth::{Permission, Role, RolePermissions};
use crate::domain::units::Caller;
use crate::store::PrincipalRecord;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use serialtrack_shared::unit::{Actor, Approval};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "serialtrack_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    ApiKey,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub kind: PrincipalKind,
}

impl Principal {
    pub(super) fn from_record(record: PrincipalRecord, kind: PrincipalKind) -> Result<Self, ApiError> {
        let role = record.role.parse::<Role>().map_err(ApiError::Internal)?;
        Ok(Self {
            id: record.id,
            tenant_id: record.tenant_id,
            name: record.name,
            display_name: record.display_name,
            role,
            kind,
        })
    }

    /// Refuses with 403 unless the caller's role has the permission; `action` completes "your role may not …".
    pub fn require(&self, permission: Permission, action: &'static str) -> Result<(), ApiError> {
        if self.role.may(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden { role: self.role.as_str(), action })
        }
    }

    /// Refuses with 403 unless a person (a session) calls: what widens what a key may do is a person's act,
    /// so no key raises its own or another key's limits.
    pub fn require_person(&self, action: &'static str) -> Result<(), ApiError> {
        match self.kind {
            PrincipalKind::User => Ok(()),
            PrincipalKind::ApiKey => Err(ApiError::PersonOnly(action)),
        }
    }

    /// The caller as the shared state machine sees it; the party (for FMD's same-party rule) is the tenant.
    pub fn caller(&self, device_id: Option<String>, approval: Option<Approval>) -> Caller {
        let actor = Actor { name: self.actor(), role: self.role, party: Some(self.tenant_id.clone()) };
        Caller { actor, device_id, approval, client_time: None }
    }

    /// How the caller is named in the log: `user:ada` or `key:line-1`.
    pub fn actor(&self) -> String {
        match self.kind {
            PrincipalKind::User => format!("user:{}", self.name),
            PrincipalKind::ApiKey => format!("key:{}", self.name),
        }
    }
}

/// The session token in a `Cookie` header, if any.
pub fn session_token(parts: &Parts) -> Option<String> {
    cookie(parts, SESSION_COOKIE)
}

/// A cookie's value from the `Cookie` headers, if it is there and not empty.
pub fn cookie(parts: &Parts, wanted: &str) -> Option<String> {
    parts.headers.get_all(COOKIE).iter().filter_map(|value| value.to_str().ok()).find_map(|header| {
        header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == wanted && !value.is_empty()).then(|| value.to_owned())
        })
    })
}
