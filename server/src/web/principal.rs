//! Who is calling: from the session cookie or an `Authorization: Bearer` API key, never from the request
//! body. The tenant every handler works in comes from here.

use super::error::ApiError;
use super::AppState;
use crate::auth::{hash_token, Permission, Role, RolePermissions};
use crate::domain::units::Caller;
use crate::store::{now_millis, PrincipalRecord};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
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
    fn from_record(record: PrincipalRecord, kind: PrincipalKind) -> Result<Self, ApiError> {
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

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = Self::authenticate(parts, state).await?;
        super::request_log::note("tenant.id", &principal.tenant_id);
        Ok(principal)
    }
}

impl Principal {
    async fn authenticate(parts: &Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let key = header.to_str().ok().and_then(|text| text.strip_prefix("Bearer ")).map(str::trim);
            let key = key.filter(|key| !key.is_empty()).ok_or(ApiError::Unauthenticated)?;
            let hash = hash_token(key);
            if let Some(principal) = state.credentials.get(&hash) {
                return Ok(principal);
            }
            let record = state.store.api_key_principal(&hash).await?.ok_or(ApiError::Unauthenticated)?;
            let principal = Self::from_record(record, PrincipalKind::ApiKey)?;
            state.credentials.put(hash, principal.clone());
            return Ok(principal);
        }
        let token = session_token(parts).ok_or(ApiError::Unauthenticated)?;
        let hash = hash_token(&token);
        if let Some(principal) = state.credentials.get(&hash) {
            return Ok(principal);
        }
        let record = state.store.session_principal(&hash, now_millis()).await?.ok_or(ApiError::Unauthenticated)?;
        let principal = Self::from_record(record, PrincipalKind::User)?;
        state.credentials.put(hash, principal.clone());
        Ok(principal)
    }
}
