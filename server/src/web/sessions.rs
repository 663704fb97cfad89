//! Signing in and out, and who am I.

use super::client_address::client_address;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::ApiJson;
use super::openapi::CommonErrors;
use super::principal::{cookie, session_token, Principal, PrincipalKind, SESSION_COOKIE};
use super::state::AppState;
use crate::auth::sign_in_limit::{self, Attempt, Purpose, Subject};
use crate::auth::{hash_token, new_session_token, Role};
use crate::store::{now_millis, NewSession};
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
/// The cookie that makes a browser a known device of the users who signed in on it; sent only to
/// `/api/v1/sessions`.
const KNOWN_DEVICE_COOKIE: &str = "serialtrack_device";
/// A known device stays known for 400 days, the longest browsers keep a cookie.
const KNOWN_DEVICE_SECONDS: i64 = 400 * 24 * 3600;

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

/// Signs in with a username and password; sets an HttpOnly, SameSite=Strict session cookie, and a cookie that
/// makes this browser a known device of the user. Failed attempts slow down further ones (429 with
/// `Retry-After`): per account after 5, per client address after 20, waiting 1 s, 2 s, 4 s … up to 15 minutes;
/// the right password from a known device of the user still passes (docs/API.md, "Signing in").
#[utoipa::path(post, path = "/sessions", tag = "sessions", request_body = SignIn,
    responses((status = 201, body = Me, description = "Signed in; the cookie is set"),
        (status = 401, body = ErrorBody, description = "Wrong username or password"),
        (status = 429, body = ErrorBody, description = "Too many failed attempts: wait `Retry-After` seconds"),
        CommonErrors,
        (status = 403, body = ErrorBody, description = "The right password of a disabled account (`user_disabled`)")))]
pub async fn sessions_create(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(sign_in): ApiJson<SignIn>,
) -> ApiResult<Response> {
    let store = state.store.as_ref();
    let now = now_millis();
    let user = state.store.user_by_username(&sign_in.username).await?;
    let device_token = cookie(&parts, KNOWN_DEVICE_COOKIE);
    let device_hash = device_token.as_deref().map(hash_token);
    let known_device = match (&device_hash, &user) {
        (Some(hash), Some(user)) => store.known_device(hash, &user.id).await?,
        _ => false,
    };
    // A known device answers for itself alone; anyone else is counted by account and by address.
    let subjects = match (&device_hash, known_device) {
        (Some(hash), true) => vec![Subject::KnownDevice(hash.clone())],
        _ => vec![
            Subject::Account(sign_in.username.clone()),
            Subject::Client(client_address(&parts, state.trust_forwarded_for)),
        ],
    };
    let purpose = Purpose::SignIn { username: &sign_in.username };
    let user =
        match sign_in_limit::attempt(store, &subjects, user, &sign_in.password, state.password_cost, now, purpose)
            .await?
        {
            Attempt::Wait(wait) => return Err(ApiError::TooManyAttempts(wait)),
            Attempt::Wrong => return Err(ApiError::BadCredentials),
            Attempt::Disabled => return Err(ApiError::UserDisabled),
            Attempt::Right(user) => user,
        };
    // The browser becomes (or stays) a known device of this user; one cookie serves every user of a tablet.
    let new_device_token = device_token.is_none().then(new_session_token);
    let device_hash = new_device_token.as_deref().map(hash_token).or(device_hash).unwrap_or_default();
    store.known_device_seen(&device_hash, &user.id, now).await?;
    let token = new_session_token();
    let session = NewSession {
        token_hash: hash_token(&token),
        expires_at: now + SESSION_HOURS * 3_600_000,
        user_agent: user_agent(&parts),
        client_address: Some(client_address(&parts, state.trust_forwarded_for)),
    };
    if state.store.session_create(session, &user).await?.is_none() {
        // An admin disabled the user, or set a new password, while this password was being checked.
        return Err(ApiError::BadCredentials);
    }
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
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let session = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    let mut response = (StatusCode::CREATED, [(SET_COOKIE, session)], Json(me)).into_response();
    if let Some(device_token) = new_device_token {
        let known = format!(
            "{KNOWN_DEVICE_COOKIE}={device_token}; HttpOnly; SameSite=Strict; Path=/api/v1/sessions; \
             Max-Age={KNOWN_DEVICE_SECONDS}{secure}"
        );
        if let Ok(value) = known.parse() {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// The browser's own description of itself, cut to 300 characters: for people to recognise a session.
fn user_agent(parts: &Parts) -> Option<String> {
    let text = parts.headers.get(axum::http::header::USER_AGENT)?.to_str().ok()?.trim();
    (!text.is_empty()).then(|| text.chars().take(300).collect())
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
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cleared = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}");
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cleared)]).into_response())
}

/// Who am I: the signed-in user or the API key, its role and its tenant.
#[utoipa::path(get, path = "/me", tag = "sessions", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Me), CommonErrors))]
pub async fn me_show(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<Me>> {
    principal.require(crate::auth::Permission::Read, "read")?;
    Ok(Json(me_for(&state, &principal).await?))
}
