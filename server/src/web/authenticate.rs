//! Where the caller comes from: an `Authorization: Bearer` API key or the session cookie, checked against the
//! store (or the 5-second cache of checked credentials); the request's span learns the tenant. Each credential
//! read from the store notes, at most once a minute, that it was used (`last_seen_at`, `last_used_at`).

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

/// How often a credential's "last used" time is written: the Users and API keys screens show it to the minute,
/// and a busy line system's key then costs one small write a minute instead of one per request.
const SEEN_EVERY_MILLIS: i64 = 60_000;

/// When a credential last noted at `last_seen_at` is due to be noted again: the time before which a stored
/// value counts as stale, or `None` while it is fresh. (The store's UPDATE checks again, for other servers.)
fn stale(last_seen_at: Option<i64>) -> Option<i64> {
    let stale_before = now_millis() - SEEN_EVERY_MILLIS;
    last_seen_at.is_none_or(|seen| seen < stale_before).then_some(stale_before)
}

/// The caller behind the credentials, from the 5-second cache or the store. A credential read from the store
/// notes when it was used, at most once a minute; a failure to note it is logged and never refuses the caller.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<Principal, ApiError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let key = header.to_str().ok().and_then(|text| text.strip_prefix("Bearer ")).map(str::trim);
        let key = key.filter(|key| !key.is_empty()).ok_or(ApiError::Unauthenticated)?;
        let hash = hash_token(key);
        if let Some(principal) = state.credentials.get(&hash) {
            return Ok(principal);
        }
        let record = state.store.api_key_principal(&hash).await?.ok_or(ApiError::Unauthenticated)?;
        if let Some(stale_before) = stale(record.last_seen_at) {
            let noted = state.store.api_key_used(&hash, now_millis(), stale_before).await;
            noted.unwrap_or_else(|error| tracing::warn!(%error, "could not note when an API key was last used"));
        }
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
    if let Some(stale_before) = stale(record.last_seen_at) {
        let noted = state.store.session_seen(&hash, now_millis(), stale_before).await;
        noted.unwrap_or_else(|error| tracing::warn!(%error, "could not note when a session was last seen"));
    }
    let principal = Principal::from_record(record, PrincipalKind::User)?;
    state.credentials.put(hash, principal.clone());
    Ok(principal)
}
