//! Devices' names: a person names a tablet on its first sign-in ("Line 1 tablet"), and the screens name it so
//! wherever they would show its id (the inbox, histories, the pool history).

use super::error::{ApiError, ApiResult};
use super::extract::ApiJson;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use crate::auth::Permission;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(devices_list, device_name))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceNaming {
    /// The id the device made for itself: 1 to 100 letters, digits, '-' or '_'.
    device_id: String,
    /// 1 to 60 characters, e.g. "Line 1 tablet".
    name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceView {
    /// The id the device made for itself on its first use (it sends it with every push).
    id: String,
    name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceList {
    devices: Vec<DeviceView>,
}

/// The tenant's named devices.
#[utoipa::path(get, path = "/devices", tag = "devices", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = DeviceList), CommonErrors))]
pub async fn devices_list(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<DeviceList>> {
    principal.require(Permission::Read, "read devices")?;
    let names = state.store.device_names(&principal.tenant_id).await?;
    Ok(Json(DeviceList { devices: names.into_iter().map(|(id, name)| DeviceView { id, name }).collect() }))
}

/// Names a device in the caller's tenant (again: the new name replaces the old one). A device names itself,
/// so its id comes with the name rather than in the path: there is no other tenant's device to reach.
#[utoipa::path(post, path = "/devices", tag = "devices", request_body = DeviceNaming,
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = DeviceView), CommonErrors))]
pub async fn device_name(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(naming): ApiJson<DeviceNaming>,
) -> ApiResult<Json<DeviceView>> {
    principal.require(Permission::Read, "name devices")?;
    let device_id = naming.device_id;
    let id_ok = (1..=100).contains(&device_id.len())
        && device_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if !id_ok {
        return Err(ApiError::invalid("invalid_device_id", "a device id is 1 to 100 letters, digits, '-' or '_'"));
    }
    let name = naming.name.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "invalid_name",
            "give the device a name of 1 to 60 characters, e.g. Line 1 tablet",
        ));
    }
    state.store.device_name_set(&principal.tenant_id, &device_id, name, &principal.actor()).await?;
    Ok(Json(DeviceView { id: device_id, name: name.to_owned() }))
}
