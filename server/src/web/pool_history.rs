//! One pool serial and what happened to it: where it is now (available or assigned, to which order and
//! device, the unit made from it) and the pool operations that touched it, for the pack history view.

use super::error::{ApiError, ApiResult};
use super::extract::ApiPath;
use super::lookups::find_product;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pool_serial_show))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolAction {
    at: String,
    /// generated, imported, assigned, reserved, returned, released or commissioned.
    action: String,
    /// Who did it (`user:ada`, `key:line-1`); null when not recorded.
    by: Option<String>,
    /// Which order, device or partner, in words.
    detail: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolSerial {
    serial: String,
    /// `available` or `assigned`.
    status: String,
    source: String,
    assigned_to: Option<String>,
    order_id: Option<String>,
    device_id: Option<String>,
    /// The unit commissioned with this serial.
    unit_id: Option<String>,
    /// Oldest first.
    history: Vec<PoolAction>,
}

/// A serial of a product's pool with its history.
#[utoipa::path(get, path = "/products/{product_id}/pool/serials/{serial}", tag = "pool",
    params(("product_id" = String, Path), ("serial" = String, Path)), security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PoolSerial), CommonErrors))]
pub async fn pool_serial_show(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((product_id, serial)): ApiPath<(String, String)>,
) -> ApiResult<Json<PoolSerial>> {
    principal.require(Permission::Read, "read the pool")?;
    let tenant = &principal.tenant_id;
    find_product(&state, tenant, &product_id).await?;
    let found = state.store.pool_serial(tenant, &product_id, &serial).await?;
    let (row, actions) = found.ok_or_else(|| ApiError::NotFound(format!("serial {serial} in this product's pool")))?;
    let history = actions
        .into_iter()
        .map(|action| PoolAction {
            at: rfc3339(action.at),
            action: action.action,
            by: action.actor,
            detail: action.detail,
        })
        .collect();
    Ok(Json(PoolSerial {
        serial: row.serial,
        status: row.status,
        source: row.source,
        assigned_to: row.assigned_to,
        order_id: row.order_id,
        device_id: row.device_id,
        unit_id: row.unit_id,
        history,
    }))
}
