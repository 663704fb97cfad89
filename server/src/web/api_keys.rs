//! API keys for machines (line systems, ERPs, partner systems). A key is shown once, when it is made.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::{hash_token, new_api_key, Permission, Role};
use crate::store::{ApiKeyRecord, KeyGrants, NewApiKey, DEFAULT_MAX_SERIALS_PER_REQUEST};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_keys_list, api_keys_create))
        .routes(routes!(api_keys_update, api_keys_delete))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyCreate {
    /// What the key is for, e.g. `line-1` or `erp`: 1 to 100 characters.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    name: String,
    /// The role the key acts with.
    #[schema(schema_with = crate::auth::role_schema)]
    role: Role,
    /// The most serials one request of the key may ask for (1 to 10,000,000; default 100,000).
    #[schema(minimum = 1, maximum = 10_000_000)]
    max_serials_per_request: Option<u64>,
    /// Whether the key may read the pool's extra per-serial parameters (default false).
    reads_extra: Option<bool>,
    /// The most serials the key may export per UTC day (1 to 1,000,000,000); null or left out: its role's
    /// ceiling (`GET /export_ceilings`).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    max_exported_serials_per_day: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKeyView {
    id: String,
    name: String,
    role: String,
    /// The first characters of the key, to tell keys apart.
    prefix: String,
    created_at: String,
    revoked_at: Option<String>,
    /// When the key last authenticated a request, to the minute (null: never).
    last_used_at: Option<String>,
    /// The most serials one request of the key may ask for.
    max_serials_per_request: i64,
    /// Whether the key may read the pool's extra per-serial parameters.
    reads_extra: bool,
    /// The most serials the key may export per UTC day; null: its role's ceiling.
    max_exported_serials_per_day: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKeyCreated {
    /// The key itself: send it as `Authorization: Bearer <key>`. It is shown only this once.
    key: String,
    api_key: ApiKeyView,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKeyList {
    api_keys: Vec<ApiKeyView>,
}

impl From<ApiKeyRecord> for ApiKeyView {
    fn from(record: ApiKeyRecord) -> Self {
        Self {
            id: record.id,
            name: record.name,
            role: record.role,
            prefix: record.prefix,
            created_at: rfc3339(record.created_at),
            revoked_at: record.revoked_at.map(rfc3339),
            last_used_at: record.last_used_at.map(rfc3339),
            max_serials_per_request: record.grants.max_serials_per_request,
            reads_extra: record.grants.reads_extra,
            max_exported_serials_per_day: record.grants.max_exported_serials_per_day,
        }
    }
}

/// The tenant's API keys (never the keys themselves). Admins only.
#[utoipa::path(get, path = "/api_keys", tag = "api_keys", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = ApiKeyList), CommonErrors))]
pub async fn api_keys_list(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<ApiKeyList>> {
    principal.require(Permission::ManageKeys, "manage API keys")?;
    let keys = state.store.api_keys(&principal.tenant_id).await?;
    Ok(Json(ApiKeyList { api_keys: keys.into_iter().map(ApiKeyView::from).collect() }))
}

/// Makes a key for the caller's tenant. Admins signed in as themselves (not through a key: a key never makes
/// a key wider than itself). The key is in this answer only: a retry with the same `Idempotency-Key` is told
/// the key was made, never shown it again.
#[utoipa::path(post, path = "/api_keys", tag = "api_keys", request_body = ApiKeyCreate,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = ApiKeyCreated),
        (status = 409, body = ErrorBody, description = "A name in use, or a replay of a request that made a key"),
        CommonErrors))]
pub async fn api_keys_create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(create): ApiJson<ApiKeyCreate>,
) -> ApiResult<(StatusCode, super::idempotency::Secret, Json<ApiKeyCreated>)> {
    principal.require(Permission::ManageKeys, "manage API keys")?;
    principal.require_person("make API keys")?;
    let name = create.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid("invalid_name", "give the key a name of 1 to 100 characters"));
    }
    let grants = KeyGrants {
        max_serials_per_request: quota(
            create.max_serials_per_request.unwrap_or(DEFAULT_MAX_SERIALS_PER_REQUEST as u64),
        )?,
        reads_extra: create.reads_extra.unwrap_or(false),
        max_exported_serials_per_day: create.max_exported_serials_per_day.map(export_ceiling).transpose()?,
    };
    let key = new_api_key();
    let record = state
        .store
        .api_key_create(NewApiKey {
            tenant_id: principal.tenant_id.clone(),
            name: name.to_owned(),
            role: create.role.as_str().to_owned(),
            prefix: key.chars().take(10).collect(),
            key_hash: hash_token(&key),
            grants,
        })
        .await?;
    let secret = super::idempotency::Secret::new(
        "api_key_not_shown_again",
        format!(
            "this request made the API key '{}' (id {}), and a key is shown only once: if its answer was lost, revoke \
             that key (DELETE /api/v1/api_keys/{}) and make a new one",
            record.name, record.id, record.id
        ),
    );
    Ok((StatusCode::CREATED, secret, Json(ApiKeyCreated { key, api_key: record.into() })))
}

/// A key's limit in range, or a 422 that says the range.
fn quota(max_serials_per_request: u64) -> ApiResult<i64> {
    if !(1..=10_000_000).contains(&max_serials_per_request) {
        return Err(ApiError::invalid("invalid_quota", "max_serials_per_request must be 1 to 10,000,000"));
    }
    Ok(max_serials_per_request as i64)
}

/// A key's own export ceiling in range, or a 422 that says the range.
fn export_ceiling(serials_per_day: i64) -> ApiResult<i64> {
    let most = super::export_ceilings::MOST_SERIALS_PER_DAY;
    if !(1..=most).contains(&serials_per_day) {
        return Err(ApiError::invalid(
            "invalid_ceiling",
            "max_exported_serials_per_day must be 1 to 1,000,000,000, or null for the role's ceiling",
        ));
    }
    Ok(serials_per_day)
}

/// A field that may be left out, null or a value: `None`, `Some(None)`, `Some(Some(value))`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyUpdate {
    /// The most serials one request of the key may ask for (1 to 10,000,000).
    #[schema(minimum = 1, maximum = 10_000_000)]
    max_serials_per_request: Option<u64>,
    /// Whether the key may read the pool's extra per-serial parameters.
    reads_extra: Option<bool>,
    /// The most serials the key may export per UTC day (1 to 1,000,000,000); null: its role's ceiling.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 1_000_000_000)]
    max_exported_serials_per_day: Option<Option<i64>>,
}

/// Changes what a key may do beyond its role: its serials per request, whether it reads extra per-serial
/// parameters, its own export ceiling. Takes effect on the key's next request. Admins signed in as themselves: a key never changes
/// its own or another key's limits.
#[utoipa::path(patch, path = "/api_keys/{key_id}", tag = "api_keys", params(("key_id" = String, Path)),
    request_body = ApiKeyUpdate, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = ApiKeyView), CommonErrors))]
pub async fn api_keys_update(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(key_id): ApiPath<String>,
    ApiJson(update): ApiJson<ApiKeyUpdate>,
) -> ApiResult<Json<ApiKeyView>> {
    principal.require(Permission::ManageKeys, "manage API keys")?;
    principal.require_person("change an API key's limits")?;
    let tenant = &principal.tenant_id;
    let not_found = || ApiError::NotFound("an API key with this id".into());
    let mut grants = state.store.api_key_grants(tenant, &key_id).await?.ok_or_else(not_found)?;
    if let Some(max) = update.max_serials_per_request {
        grants.max_serials_per_request = quota(max)?;
    }
    if let Some(reads_extra) = update.reads_extra {
        grants.reads_extra = reads_extra;
    }
    if let Some(ceiling) = update.max_exported_serials_per_day {
        grants.max_exported_serials_per_day = ceiling.map(export_ceiling).transpose()?;
    }
    state.store.api_key_set_grants(tenant, &key_id, grants).await?;
    let keys = state.store.api_keys(tenant).await?;
    let record = keys.into_iter().find(|key| key.id == key_id).ok_or_else(not_found)?;
    Ok(Json(record.into()))
}

/// Revokes a key of the caller's tenant; it stops working at once on this server. Admins only.
#[utoipa::path(delete, path = "/api_keys/{key_id}", tag = "api_keys", params(("key_id" = String, Path)),
    security(("session" = []), ("api_key" = [])), responses((status = 204, description = "Revoked"), CommonErrors))]
pub async fn api_keys_delete(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(key_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    principal.require(Permission::ManageKeys, "manage API keys")?;
    if !state.store.api_key_revoke(&principal.tenant_id, &key_id).await? {
        return Err(ApiError::NotFound("an API key with this id".into()));
    }
    state.credentials.forget_principal(&key_id);
    Ok(StatusCode::NO_CONTENT)
}
