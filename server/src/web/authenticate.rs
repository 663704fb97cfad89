//! Where the caller comes from: an `Authorization: Bearer` API key or the session cookie, checked against the
//! store (or the 5-second cache of checked credentials); the request's span learns the tenant.

use super::error::ApiError;
use super::principal::{session_token, Principal, PrincipalKind};
use super::state::AppState;
use crate::auth::hash_token;
use crate::store::audit::who::{self, Who};
use crate::store::now_millis;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = authenticate(parts, state).await?;
        super::request_log::note("tenant.id", &principal.tenant_id);
        // Every audit entry this request's writes make names this caller (docs/AUDIT.md).
        who::set(Who { actor: principal.actor(), tenant_id: Some(principal.tenant_id.clone()) });
        Ok(principal)
    }
}

/// The caller behind the credentials, from the 5-second cache or the store.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<Principal, ApiError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let key = header.to_str().ok().and_then(|text| text.strip_prefix("Bearer ")).map(str::trim);
        let key = key.filter(|key| !key.is_empty()).ok_or(ApiError::Unauthenticated)?;
        let hash = hash_token(key);
        if let Some(principal) = state.credentials.get(&hash) {
            return Ok(principal);
        }
        let record = state.store.api_key_principal(&hash).await?.ok_or(ApiError::Unauthenticated)?;
        let principal = Principal::from_record(record, PrincipalKind::ApiKey)?;
        state.credentials.put(hash, principal.clone());
        return Ok(principal);
    }
    let token = session_token(parts).ok_or(ApiError::Unauthenticated)?;
    let hash = hash_token(&token);
    if let Some(principal) = state.credentials.get(&hash) {
        return Ok(principal);
    }
    let record = state.store.session_principal(&hash, now_millis()).await?.ok_or(ApiError::Unauthenticated)?;
    let principal = Principal::from_record(record, PrincipalKind::User)?;
    state.credentials.put(hash, principal.clone());
    Ok(principal)
}
