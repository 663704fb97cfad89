//! A user's live sessions, for the organisation's admins: where and when each was opened and last used, and
//! ending one (a lost tablet, a shared browser). A session is named by a public id, never by its token or the
//! token's hash. Admin keys may list and end sessions too: ending one only takes access away, as revoking a key
//! does.

use super::error::{ApiError, ApiResult};
use super::extract::ApiPath;
use super::lookups::find_user;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::store::{now_millis, SessionRecord};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(user_sessions_list)).routes(routes!(user_sessions_delete))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// The session's public id (not its token).
    id: String,
    /// When the user signed in.
    created_at: String,
    expires_at: String,
    /// When it last authenticated a request, to the minute (null: not since it was opened, before this was kept).
    last_seen_at: Option<String>,
    /// The browser's `User-Agent` when the user signed in (at most 300 characters).
    user_agent: Option<String>,
    /// The address the sign-in came from (behind a trusted proxy, the one it forwarded).
    client_address: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionList {
    sessions: Vec<SessionView>,
}

impl From<SessionRecord> for SessionView {
    fn from(record: SessionRecord) -> Self {
        Self {
            id: record.id,
            created_at: rfc3339(record.created_at),
            expires_at: rfc3339(record.expires_at),
            last_seen_at: record.last_seen_at.map(rfc3339),
            user_agent: record.user_agent,
            client_address: record.client_address,
        }
    }
}

/// The user's sessions that have not expired, newest first. Admins.
#[utoipa::path(get, path = "/users/{user_id}/sessions", tag = "users", params(("user_id" = String, Path)),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = SessionList), CommonErrors))]
pub async fn user_sessions_list(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(user_id): ApiPath<String>,
) -> ApiResult<Json<SessionList>> {
    principal.require(Permission::ManageUsers, "see users' sessions")?;
    find_user(&state, &principal.tenant_id, &user_id).await?;
    let sessions = state.store.user_sessions(&principal.tenant_id, &user_id, now_millis()).await?;
    Ok(Json(SessionList { sessions: sessions.into_iter().map(SessionView::from).collect() }))
}

/// Ends one session of the user: its cookie stops working at once on this server and within 5 seconds on
/// others. Admins.
#[utoipa::path(delete, path = "/users/{user_id}/sessions/{session_id}", tag = "users",
    params(("user_id" = String, Path), ("session_id" = String, Path)), security(("session" = []), ("api_key" = [])),
    responses((status = 204, description = "Ended"), CommonErrors))]
pub async fn user_sessions_delete(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((user_id, session_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    principal.require(Permission::ManageUsers, "end users' sessions")?;
    if !state.store.session_revoke(&principal.tenant_id, &user_id, &session_id, now_millis()).await? {
        return Err(ApiError::NotFound("a live session of this user with this id".into()));
    }
    // What this server remembers of the user's sessions goes; the others read them again from the database.
    state.credentials.forget_principal(&user_id);
    Ok(StatusCode::NO_CONTENT)
}
