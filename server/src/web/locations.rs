//! Locations: sites, warehouses and lines, optionally with a GLN.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::store::LocationRecord;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::Gln;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(locations_list, locations_create)).routes(routes!(locations_update))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationCreate {
    /// 1 to 200 characters, unique in the tenant.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    name: String,
    /// A 13-digit Global Location Number with its check digit.
    #[schema(pattern = r"^\d{13}$")]
    gln: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    id: String,
    name: String,
    gln: Option<String>,
    created_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationList {
    locations: Vec<LocationView>,
}

impl From<LocationRecord> for LocationView {
    fn from(record: LocationRecord) -> Self {
        Self { id: record.id, name: record.name, gln: record.gln, created_at: rfc3339(record.created_at) }
    }
}

/// The tenant's locations.
#[utoipa::path(get, path = "/locations", tag = "locations", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = LocationList), CommonErrors))]
pub async fn locations_list(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<LocationList>> {
    principal.require(Permission::Read, "read locations")?;
    let locations = state.store.locations(&principal.tenant_id).await?;
    Ok(Json(LocationList { locations: locations.into_iter().map(LocationView::from).collect() }))
}

/// Adds a location. Supervisors and admins.
#[utoipa::path(post, path = "/locations", tag = "locations", request_body = LocationCreate,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = LocationView), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn locations_create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(create): ApiJson<LocationCreate>,
) -> ApiResult<(StatusCode, Json<LocationView>)> {
    principal.require(Permission::ManageCatalog, "add locations")?;
    let (name, gln) = checked(&create.name, create.gln.as_deref())?;
    let record = state.store.location_create(&principal.tenant_id, &name, gln.as_ref().map(Gln::as_str)).await?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// A location's name trimmed and its GLN parsed, or the sentence that says what to change.
fn checked(name: &str, gln: Option<&str>) -> ApiResult<(String, Option<Gln>)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_name", "give the location a name of 1 to 200 characters"));
    }
    let gln = match gln {
        Some(text) => Some(Gln::parse(text).map_err(|error| ApiError::invalid("invalid_gln", error.to_string()))?),
        None => None,
    };
    Ok((name.to_owned(), gln))
}

/// Renames a location and sets or removes its GLN; both are given in full, as the location is to be. Supervisors
/// and admins.
#[utoipa::path(patch, path = "/locations/{location_id}", tag = "locations", params(("location_id" = String, Path)),
    request_body = LocationCreate, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = LocationView), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn locations_update(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(location_id): ApiPath<String>,
    ApiJson(update): ApiJson<LocationCreate>,
) -> ApiResult<Json<LocationView>> {
    principal.require(Permission::ManageCatalog, "change locations")?;
    let (name, gln) = checked(&update.name, update.gln.as_deref())?;
    let gln = gln.as_ref().map(Gln::as_str);
    let record = state.store.location_update(&principal.tenant_id, &location_id, &name, gln).await?;
    Ok(Json(record.ok_or_else(|| ApiError::NotFound("a location with this id".into()))?.into()))
}
