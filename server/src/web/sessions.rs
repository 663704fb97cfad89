//! Signing in and out, and who am I.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::ApiJson;
use super::openapi::CommonErrors;
use super::principal::{session_token, Principal, PrincipalKind, SESSION_COOKIE};
use super::AppState;
use crate::auth::{hash_token, new_session_token, verify_password, Role};
use crate::store::now_millis;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How long a session lasts: a working day and a half, so a shift never ends with a surprise sign-out.
const SESSION_HOURS: i64 = 12;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sessions_create)).routes(routes!(sessions_delete)).routes(routes!(me_show))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    username: String,
    password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TenantView {
    id: String,
    name: String,
    /// `brand_owner` (MAH) or `contract_manufacturer` (CMO).
    kind: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The user id, or the API key id.
    id: String,
    /// The username, or the API key's name.
    name: String,
    display_name: String,
    #[schema(schema_with = crate::auth::role_schema)]
    role: Role,
    /// `user` (a session) or `api_key`.
    kind: String,
    tenant: TenantView,
}

async fn me_for(state: &AppState, principal: &Principal) -> ApiResult<Me> {
    let tenant = state.store.tenant(&principal.tenant_id).await?.ok_or(ApiError::Unauthenticated)?;
    Ok(Me {
        id: principal.id.clone(),
        name: principal.name.clone(),
        display_name: principal.display_name.clone(),
        role: principal.role,
        kind: if principal.kind == PrincipalKind::User { "user" } else { "api_key" }.into(),
        tenant: TenantView { id: tenant.id, name: tenant.name, kind: tenant.kind },
    })
}

/// Signs in with a username and password; sets an HttpOnly, SameSite=Strict session cookie. After five failed
/// attempts a username is refused for 15 minutes (429).
#[utoipa::path(post, path = "/sessions", tag = "sessions", request_body = SignIn,
    responses((status = 201, body = Me, description = "Signed in; the cookie is set"),
        (status = 401, body = ErrorBody, description = "Wrong username or password"),
        (status = 429, body = ErrorBody, description = "Too many failed attempts"), CommonErrors))]
pub async fn sessions_create(State(state): State<AppState>, ApiJson(sign_in): ApiJson<SignIn>) -> ApiResult<Response> {
    if let Some(wait) = state.sign_in_limiter.blocked_for(&sign_in.username) {
        return Err(ApiError::TooManyAttempts(wait));
    }
    let user = state.store.user_by_username(&sign_in.username).await?;
    let Some(user) = user.filter(|user| verify_password(&sign_in.password, &user.password_hash)) else {
        state.sign_in_limiter.record_failure(&sign_in.username);
        return Err(ApiError::BadCredentials);
    };
    state.sign_in_limiter.record_success(&sign_in.username);
    let token = new_session_token();
    let expires_at = now_millis() + SESSION_HOURS * 3_600_000;
    state.store.session_create(&hash_token(&token), &user, expires_at).await?;
    let role = user.role.parse::<Role>().map_err(ApiError::Internal)?;
    let principal = Principal {
        id: user.id,
        tenant_id: user.tenant_id,
        name: user.username,
        display_name: user.display_name,
        role,
        kind: PrincipalKind::User,
    };
    let me = me_for(&state, &principal).await?;
    let cookie =
        format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}", SESSION_HOURS * 3600);
    Ok((StatusCode::CREATED, [(SET_COOKIE, cookie)], Json(me)).into_response())
}

/// Signs out: ends the session and clears the cookie. Answers 204 even when there was no session.
#[utoipa::path(delete, path = "/sessions/current", tag = "sessions",
    responses((status = 204, description = "Signed out")))]
pub async fn sessions_delete(State(state): State<AppState>, parts: Parts) -> ApiResult<Response> {
    if let Some(token) = session_token(&parts) {
        let hash = hash_token(&token);
        state.store.session_delete(&hash).await?;
        state.credentials.forget(&hash);
    }
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// Who am I: the signed-in user or the API key, its role and its tenant.
#[utoipa::path(get, path = "/me", tag = "sessions", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Me), CommonErrors))]
pub async fn me_show(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<Me>> {
    principal.require(crate::auth::Permission::Read, "read")?;
    Ok(Json(me_for(&state, &principal).await?))
}
