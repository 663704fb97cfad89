//! The people of the caller's organisation, for its admins: who they are, their roles, disabling them and
//! setting their passwords. Reading is open to admin keys; adding and changing people is a person's act (as
//! making API keys is), so no machine key makes itself an account. A user's sessions: `user_sessions.rs`.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::lookups::find_user;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::{password_problem, Permission, Role};
use crate::store::{NewUser, StoreError, UserChanged, UserChanges, UserRecord};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users_list, users_create))
        .routes(routes!(users_update))
        .routes(routes!(users_password_set))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    id: String,
    /// What the person signs in with; unique on the server.
    username: String,
    display_name: String,
    #[schema(schema_with = crate::auth::role_schema)]
    role: String,
    /// A disabled user cannot sign in, and has no session.
    disabled: bool,
    created_at: String,
    /// When the user last signed in (none yet: null).
    last_sign_in_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserList {
    users: Vec<UserView>,
}

impl From<UserRecord> for UserView {
    fn from(record: UserRecord) -> Self {
        Self {
            id: record.id,
            username: record.username,
            display_name: record.display_name,
            role: record.role,
            disabled: record.disabled_at.is_some(),
            created_at: rfc3339(record.created_at),
            last_sign_in_at: record.last_sign_in_at.map(rfc3339),
        }
    }
}

/// The organisation's users, by username (never a password or its hash). Admins.
#[utoipa::path(get, path = "/users", tag = "users", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = UserList), CommonErrors))]
pub async fn users_list(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<UserList>> {
    principal.require(Permission::ManageUsers, "manage users")?;
    let users = state.store.users(&principal.tenant_id).await?;
    Ok(Json(UserList { users: users.into_iter().map(UserView::from).collect() }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    /// 1 to 100 characters without spaces; unique on the server, whatever the case of its letters.
    #[schema(min_length = 1, max_length = 100, pattern = r"^\S+$")]
    username: String,
    /// The name screens show: 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    display_name: String,
    #[schema(schema_with = crate::auth::role_schema)]
    role: String,
    /// 12 to 200 characters, not the username. Stored only as an argon2id hash.
    #[schema(min_length = 12, max_length = 200)]
    password: String,
}

/// Adds a person to the organisation. Admins signed in as themselves.
#[utoipa::path(post, path = "/users", tag = "users", request_body = UserCreate,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = UserView),
        (status = 409, body = ErrorBody, description = "The username is taken (`username_taken`)"), CommonErrors))]
pub async fn users_create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(create): ApiJson<UserCreate>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    principal.require(Permission::ManageUsers, "add users")?;
    principal.require_person("add users")?;
    let username = checked_username(&create.username)?;
    let display_name = checked_display_name(&create.display_name)?;
    let role = checked_role(&create.role)?;
    let password_hash = new_password_hash(&state, create.password, &username).await?;
    let user = NewUser { tenant_id: principal.tenant_id.clone(), username, display_name, role, password_hash };
    let record = state.store.user_create(user).await.map_err(|error| match error {
        StoreError::Conflict(_) => ApiError::Conflict {
            code: "username_taken",
            message: "this username is taken (usernames are unique on the server, whatever their case): choose another"
                .into(),
        },
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[schema(schema_with = crate::auth::role_schema)]
    role: Option<String>,
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    display_name: Option<String>,
    /// True disables the user and ends all their sessions; false enables them again.
    disabled: Option<bool>,
}

/// Changes a user's role, display name or whether they are disabled; what is left out stays as it is. The
/// organisation keeps at least one enabled admin: demoting or disabling the last is refused (409
/// `last_admin`). Takes effect on the user's next request (within 5 seconds on other servers). Admins signed
/// in as themselves.
#[utoipa::path(patch, path = "/users/{user_id}", tag = "users", params(("user_id" = String, Path)),
    request_body = UserUpdate, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = UserView),
        (status = 409, body = ErrorBody, description = "The organisation's last enabled admin (`last_admin`)"),
        CommonErrors))]
pub async fn users_update(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(user_id): ApiPath<String>,
    ApiJson(update): ApiJson<UserUpdate>,
) -> ApiResult<Json<UserView>> {
    principal.require(Permission::ManageUsers, "change users")?;
    principal.require_person("change users")?;
    let changes = UserChanges {
        role: update.role.as_deref().map(checked_role).transpose()?,
        display_name: update.display_name.as_deref().map(checked_display_name).transpose()?,
        disabled: update.disabled,
    };
    let record = match state.store.user_update(&principal.tenant_id, &user_id, changes).await? {
        UserChanged::Changed(record) => record,
        UserChanged::NotFound => return Err(ApiError::NotFound("a user with this id".into())),
        UserChanged::LastAdmin => {
            return Err(ApiError::Conflict {
                code: "last_admin",
                message: "this is the organisation's last enabled admin: make another user an admin first".into(),
            })
        }
    };
    // This server stops trusting what it remembered of the user's sessions at once (others within 5 s).
    state.credentials.forget_principal(&user_id);
    Ok(Json(record.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordSet {
    /// 12 to 200 characters, not the username.
    #[schema(min_length = 12, max_length = 200)]
    password: String,
}

/// Gives a user a new password and ends all their sessions: whoever knew the old one is signed out. Admins
/// signed in as themselves.
#[utoipa::path(post, path = "/users/{user_id}/password", tag = "users", params(("user_id" = String, Path)),
    request_body = PasswordSet, security(("session" = []), ("api_key" = [])),
    responses((status = 204, description = "Set; the user's sessions ended"), CommonErrors))]
pub async fn users_password_set(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(user_id): ApiPath<String>,
    ApiJson(set): ApiJson<PasswordSet>,
) -> ApiResult<StatusCode> {
    principal.require(Permission::ManageUsers, "set users' passwords")?;
    principal.require_person("set users' passwords")?;
    let user = find_user(&state, &principal.tenant_id, &user_id).await?;
    let password_hash = new_password_hash(&state, set.password, &user.username).await?;
    if !state.store.user_password_set(&principal.tenant_id, &user_id, &password_hash).await? {
        return Err(ApiError::NotFound("a user with this id".into()));
    }
    state.credentials.forget_principal(&user_id);
    Ok(StatusCode::NO_CONTENT)
}

fn checked_username(username: &str) -> ApiResult<String> {
    let username = username.trim();
    let fits = (1..=100).contains(&username.chars().count());
    if !fits || username.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::invalid("invalid_username", "give a username of 1 to 100 characters without spaces"));
    }
    Ok(username.to_owned())
}

fn checked_display_name(display_name: &str) -> ApiResult<String> {
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_display_name", "give a display name of 1 to 200 characters"));
    }
    Ok(display_name.to_owned())
}

/// A role's name as stored, or a 422 that lists the six.
fn checked_role(role: &str) -> ApiResult<String> {
    let role = role.parse::<Role>().map_err(|message| ApiError::invalid("invalid_role", message))?;
    Ok(role.as_str().to_owned())
}

/// The hash of a password that passes the rule (`auth::password_problem`), or the 422 that says what to change.
/// Hashed off the async workers: argon2 is meant to take a while.
async fn new_password_hash(state: &AppState, password: String, username: &str) -> ApiResult<String> {
    if let Some(problem) = password_problem(&password, username) {
        return Err(ApiError::invalid("invalid_password", problem));
    }
    let cost = state.password_cost;
    let hashed = tokio::task::spawn_blocking(move || cost.hash(&password)).await;
    hashed
        .map_err(|error| ApiError::Internal(error.to_string()))?
        .map_err(|error| ApiError::Internal(error.to_string()))
}
