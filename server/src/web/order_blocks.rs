//! Working an order on a line: a device reserves a block of the order's serials (and returns what it did not
//! use), or a machine commissions serials of the order online.

use super::commissioning::commission;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::input::{check_device_id, parse_expiry, validate_serials, MAX_BODY_BYTES};
use super::lookups::{find_order, order_closed};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::words::shown;
use crate::auth::Permission;
use crate::domain::units::Commissioning;
use crate::store::{PoolHoldRecord, Reserved};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::Lot;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest block one reserve call takes.
const MAX_BLOCK: u32 = 10_000;
/// The most serials one commission call takes.
const MAX_COMMISSION: usize = 100_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(orders_reserve))
        .routes(routes!(orders_return))
        .routes(routes!(orders_commission))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReserveBlock {
    /// The device (tablet) that will commission the block: 1–64 letters, digits, `-` or `_`.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    device_id: String,
    /// How many serials, 1 to 10,000.
    #[schema(minimum = 1, maximum = 10_000)]
    count: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReservedBlock {
    /// The serials now reserved to the device, in serial order; fewer than asked when the order runs out.
    serials: Vec<String>,
}

/// Reserves a block of the order's free serials (neither reserved nor commissioned) to a device; asking again
/// adds another block. 409 `order_exhausted` when none are left, `order_closed` for a closed order.
/// Operators, supervisors and admins.
#[utoipa::path(post, path = "/orders/{order_id}/reserve", tag = "orders", params(("order_id" = String, Path)),
    request_body = ReserveBlock, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = ReservedBlock), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn orders_reserve(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(order_id): ApiPath<String>,
    ApiJson(reserve): ApiJson<ReserveBlock>,
) -> ApiResult<Json<ReservedBlock>> {
    principal.require(Permission::WorkOrders, "work orders")?;
    check_device_id(&reserve.device_id)?;
    if reserve.count == 0 || reserve.count > MAX_BLOCK {
        return Err(ApiError::invalid("invalid_count", "count must be 1 to 10,000 serials"));
    }
    let tenant = &principal.tenant_id;
    let reserved = state
        .store
        .order_reserve(tenant, &order_id, &reserve.device_id, i64::from(reserve.count), &principal.actor())
        .await?;
    match reserved {
        Reserved::Serials(serials) => Ok(Json(ReservedBlock { serials })),
        Reserved::OrderClosed => Err(order_closed()),
        Reserved::OrderExhausted => Err(ApiError::Conflict {
            code: "order_exhausted",
            message: "every serial of this order is reserved or commissioned: return unused blocks, or work \
                      another order"
                .into(),
        }),
        Reserved::DeviceOfAnotherTenant => Err(ApiError::Conflict {
            code: "device_of_another_organisation",
            message: "this device id is registered to another organisation: make a new device id".into(),
        }),
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBlock {
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    device_id: String,
    /// Only these serials (leave out for all of the device's uncommissioned serials of the order).
    #[schema(value_type = Option<Vec<serialtrack_shared::ids::Serial>>, min_items = 1, max_items = 1_000_000)]
    serials: Option<Vec<String>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReturnedBlock {
    /// How many serials are no longer reserved.
    returned: u64,
}

/// Gives back a device's uncommissioned serials of the order (all, or those listed): they are no longer
/// reserved and another device may take them. Operators, supervisors and admins.
#[utoipa::path(post, path = "/orders/{order_id}/return", tag = "orders", params(("order_id" = String, Path)),
    request_body = ReturnBlock, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = ReturnedBlock), CommonErrors))]
pub async fn orders_return(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(order_id): ApiPath<String>,
    ApiJson(give_back): ApiJson<ReturnBlock>,
) -> ApiResult<Json<ReturnedBlock>> {
    principal.require(Permission::WorkOrders, "work orders")?;
    check_device_id(&give_back.device_id)?;
    let serials = give_back.serials.map(validate_serials).transpose()?;
    let returned = state
        .store
        .order_return(&principal.tenant_id, &order_id, &give_back.device_id, serials.as_deref(), &principal.actor())
        .await?;
    Ok(Json(ReturnedBlock { returned }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommissionSerials {
    /// Serials of the order, 1 to 100,000.
    #[schema(value_type = Vec<serialtrack_shared::ids::Serial>, min_items = 1, max_items = 100_000)]
    serials: Vec<String>,
    /// Where the units are (a GLN or a name).
    location: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Commissioned {
    commissioned: usize,
}

/// Commissions serials of the order as units, each with the order's lot and expiry — all or none: 409
/// `commission_refused` names each serial that is not in this order, already commissioned, or reserved to a
/// device. Operators, supervisors and admins.
#[utoipa::path(post, path = "/orders/{order_id}/commission", tag = "orders", params(("order_id" = String, Path)),
    request_body = CommissionSerials, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Commissioned), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn orders_commission(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(order_id): ApiPath<String>,
    ApiJson(request): ApiJson<CommissionSerials>,
) -> ApiResult<Json<Commissioned>> {
    principal.require(Permission::WorkOrders, "work orders")?;
    if request.serials.len() > MAX_COMMISSION {
        return Err(ApiError::invalid("invalid_count", "send 1 to 100,000 serials in one call"));
    }
    let serials = validate_serials(request.serials)?;
    let tenant = &principal.tenant_id;
    let order = find_order(&state, tenant, &order_id).await?;
    if order.status != "released" {
        return Err(order_closed());
    }
    let holds = state.store.pool_holds(tenant, &order.product_id, &serials).await?;
    let holds: HashMap<&str, &PoolHoldRecord> = holds.iter().map(|hold| (hold.serial.as_str(), hold)).collect();
    let refusals: Vec<String> = serials
        .iter()
        .filter_map(|serial| {
            let why = commission_refusal(&order_id, holds.get(serial.as_str()).copied())?;
            Some(format!("{serial}: {why}"))
        })
        .collect();
    if !refusals.is_empty() {
        return Err(ApiError::Conflict {
            code: "commission_refused",
            message: format!(
                "nothing was commissioned; {} of the serials cannot be: {}",
                refusals.len(),
                shown(&refusals)
            ),
        });
    }
    let product = state.store.product(tenant, &order.product_id).await?;
    let product = product.ok_or_else(|| ApiError::Internal("an order's product went missing".into()))?;
    let lot = Lot::parse(&order.lot).map_err(|error| ApiError::Internal(error.to_string()))?;
    let expiry = parse_expiry(&order.expiry)?;
    let commissioning = Commissioning { lot: Some(lot), expiry: Some(expiry), location: request.location, owner: None };
    let (commissioned, _) = commission(&state, &principal, &product, &serials, &commissioning).await?;
    Ok(Json(Commissioned { commissioned }))
}

/// Why an order may not commission this serial online, if it may not.
fn commission_refusal(order_id: &str, hold: Option<&PoolHoldRecord>) -> Option<String> {
    let Some(hold) = hold.filter(|hold| hold.order_id.as_deref() == Some(order_id)) else {
        return Some("not in this order".into());
    };
    if hold.commissioned != 0 {
        return Some("already commissioned".into());
    }
    hold.device_id.as_ref().map(|device| format!("reserved to device {device}: return it from that device first"))
}
