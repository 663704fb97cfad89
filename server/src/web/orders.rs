//! Packaging and printing orders: creating one assigns serials from the product's pool to it (generating the
//! shortfall for a product whose serials are generated), listing, reading, its serials, and closing it.
//! Device blocks and commissioning are in `order_blocks`, the label file in `order_labels`.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::input::parse_expiry;
use super::lookups::{find_order, find_product};
use super::openapi::{CommonErrors, ExportCeiling};
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::store::{AuditEntry, NewOrder, OrderCountsRecord, OrderCreated, OrderFilter, OrderRecord, StoreError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::Lot;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most serials one order holds.
pub const MAX_ORDER_QUANTITY: u32 = 500_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(orders_create, orders_list))
        .routes(routes!(orders_show))
        .routes(routes!(orders_serials))
        .routes(routes!(orders_close))
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    /// Worked on a packaging line: devices reserve blocks and commission.
    Packaging,
    /// Labels printed elsewhere: the serials leave as a CSV file.
    Printing,
}

impl OrderKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Packaging => "packaging",
            Self::Printing => "printing",
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderCreate {
    kind: OrderKind,
    product_id: String,
    /// The lot (batch), 1–20 CSET 82 characters.
    #[schema(value_type = serialtrack_shared::ids::Lot)]
    lot: String,
    /// `YYYY-MM-DD`.
    #[schema(schema_with = serialtrack_shared::openapi::date)]
    expiry: String,
    /// The packaging line, 1–100 characters; required for a packaging order.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    line: Option<String>,
    /// How many serials, 1 to 500,000.
    #[schema(minimum = 1, maximum = 500_000)]
    quantity: u32,
    /// Your own reference (an ERP order number), 1–200 characters.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    reference: Option<String>,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct OrderCounts {
    /// Serials still assigned to the order.
    assigned: i64,
    /// Of those, reserved by a device's block.
    reserved: i64,
    /// Of those, commissioned as units.
    commissioned: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Order {
    id: String,
    kind: String,
    product_id: String,
    code: String,
    gtin: Option<String>,
    product_name: String,
    lot: String,
    expiry: String,
    line: Option<String>,
    quantity: i64,
    reference: Option<String>,
    /// `released` or `closed`.
    status: String,
    created_at: String,
    created_by: String,
    counts: OrderCounts,
}

impl Order {
    fn new(record: OrderRecord, counts: Option<&OrderCountsRecord>) -> Self {
        let counts = counts.map_or_else(OrderCounts::default, |counts| OrderCounts {
            assigned: counts.assigned,
            reserved: counts.reserved,
            commissioned: counts.commissioned,
        });
        Self {
            id: record.id,
            kind: record.kind,
            product_id: record.product_id,
            code: record.code,
            gtin: record.gtin,
            product_name: record.product_name,
            lot: record.lot,
            expiry: record.expiry,
            line: record.line,
            quantity: record.quantity,
            reference: record.reference,
            status: record.status,
            created_at: rfc3339(record.created_at),
            created_by: record.created_by,
            counts,
        }
    }
}

/// The orders as the API shows them, with their counts.
async fn views(state: &AppState, tenant: &str, records: Vec<OrderRecord>) -> ApiResult<Vec<Order>> {
    let ids: Vec<String> = records.iter().map(|record| record.id.clone()).collect();
    let counts = state.store.order_counts(tenant, &ids).await?;
    Ok(records
        .into_iter()
        .map(|record| {
            let count = counts.iter().find(|count| count.order_id == record.id);
            Order::new(record, count)
        })
        .collect())
}

/// Trims an optional text and checks its length; `what` names it in the error.
fn optional_text(text: Option<String>, max: usize, code: &'static str, what: &str) -> ApiResult<Option<String>> {
    let Some(text) = text else { return Ok(None) };
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(ApiError::invalid(code, format!("{what} must be 1 to {max} characters")));
    }
    Ok(Some(text.to_owned()))
}

/// Creates an order and assigns it `quantity` serials from the product's pool, generating the shortfall first
/// when the product's serials are generated; otherwise a short pool is a 409 `pool_short`. Supervisors and
/// admins.
#[utoipa::path(post, path = "/orders", tag = "orders", request_body = OrderCreate,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = Order), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn orders_create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(create): ApiJson<OrderCreate>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    principal.require(Permission::ManagePool, "create orders")?;
    let tenant = &principal.tenant_id;
    if create.quantity == 0 || create.quantity > MAX_ORDER_QUANTITY {
        return Err(ApiError::invalid("invalid_quantity", "quantity must be 1 to 500,000 serials"));
    }
    let lot = Lot::parse(&create.lot).map_err(|error| ApiError::invalid("invalid_lot", error.to_string()))?;
    parse_expiry(&create.expiry)?;
    let line = optional_text(create.line, 100, "invalid_line", "line")?;
    if line.is_none() && matches!(create.kind, OrderKind::Packaging) {
        return Err(ApiError::invalid("invalid_line", "a packaging order needs its line (1 to 100 characters)"));
    }
    let reference = optional_text(create.reference, 200, "invalid_reference", "reference")?;
    let product = find_product(&state, tenant, &create.product_id).await?;
    super::quota::check(&principal, state.store.as_ref(), u64::from(create.quantity)).await?;
    let quantity = i64::from(create.quantity);
    let available = state.store.pool_available(tenant, &product.id).await?;
    let generated = if available < quantity && product.serial_source == "generated" {
        let shortfall = (quantity - available) as usize;
        crate::domain::serials::issue(state.store.as_ref(), &product, shortfall).await?
    } else {
        Vec::new()
    };
    let order = NewOrder {
        kind: create.kind.as_str().into(),
        product_id: product.id.clone(),
        lot: lot.as_str().into(),
        expiry: create.expiry,
        line,
        quantity,
        reference,
        created_by: principal.actor(),
    };
    let created = state.store.order_create(tenant, order, &generated).await.map_err(|error| match error {
        StoreError::Conflict(_) => ApiError::Conflict {
            code: "serials_in_pool",
            message: "some generated serials are in the pool already (imported earlier): create the order again".into(),
        },
        other => other.into(),
    })?;
    match created {
        OrderCreated::Created(record) => {
            // A new order holds exactly its quantity, none reserved or commissioned yet.
            let counts =
                OrderCountsRecord { order_id: record.id.clone(), assigned: record.quantity, ..Default::default() };
            Ok((StatusCode::CREATED, Json(Order::new(*record, Some(&counts)))))
        }
        OrderCreated::PoolShort { available } => Err(ApiError::Conflict {
            code: "pool_short",
            message: format!(
                "the pool has {available} available serials; the order needs {quantity}: import or generate more, \
                 or order fewer"
            ),
        }),
    }
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Released,
    Closed,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrdersQuery {
    product_id: Option<String>,
    #[param(inline)]
    status: Option<OrderStatus>,
    /// At most this many (1–500, default 100).
    #[param(minimum = 1, maximum = 500, default = 100)]
    limit: Option<u32>,
    /// Continue after this order id (the last of the previous page).
    after: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Orders {
    orders: Vec<Order>,
}

/// The organisation's orders, newest first.
#[utoipa::path(get, path = "/orders", tag = "orders", params(OrdersQuery), security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Orders), CommonErrors))]
pub async fn orders_list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<OrdersQuery>,
) -> ApiResult<Json<Orders>> {
    principal.require(Permission::Read, "read orders")?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit must be 1 to 500 orders"));
    }
    let status = query.status.map(|status| match status {
        OrderStatus::Released => "released",
        OrderStatus::Closed => "closed",
    });
    let filter = OrderFilter {
        product_id: query.product_id.as_deref(),
        status,
        before_id: query.after.as_deref(),
        limit: i64::from(limit),
    };
    let tenant = &principal.tenant_id;
    let records = state.store.orders(tenant, filter).await?;
    Ok(Json(Orders { orders: views(&state, tenant, records).await? }))
}

/// One order with its counts.
#[utoipa::path(get, path = "/orders/{order_id}", tag = "orders", params(("order_id" = String, Path)),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = Order), CommonErrors))]
pub async fn orders_show(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(order_id): ApiPath<String>,
) -> ApiResult<Json<Order>> {
    principal.require(Permission::Read, "read orders")?;
    let tenant = &principal.tenant_id;
    let record = find_order(&state, tenant, &order_id).await?;
    let mut orders = views(&state, tenant, vec![record]).await?;
    orders.pop().map(Json).ok_or_else(|| ApiError::Internal("an order went missing".into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderSerialsQuery {
    /// Continue after this serial (the last of the previous page).
    after: Option<String>,
    /// At most this many (1–10,000, default 1,000).
    #[param(minimum = 1, maximum = 10_000, default = 1_000)]
    limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderSerial {
    serial: String,
    /// The device whose block holds it.
    device_id: Option<String>,
    /// The unit's status; null when the serial is not commissioned.
    unit_status: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderSerials {
    serials: Vec<OrderSerial>,
}

/// The serials assigned to an order, in serial order. They count against the caller's export ceiling of the
/// day (docs/DATA_PROTECTION.md).
#[utoipa::path(get, path = "/orders/{order_id}/serials", tag = "orders",
    params(("order_id" = String, Path), OrderSerialsQuery), security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = OrderSerials),
        CommonErrors, ExportCeiling))]
pub async fn orders_serials(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(order_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<OrderSerialsQuery>,
) -> ApiResult<Json<OrderSerials>> {
    principal.require(Permission::Read, "read orders")?;
    let limit = query.limit.unwrap_or(1_000);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit must be 1 to 10,000 serials"));
    }
    let tenant = &principal.tenant_id;
    find_order(&state, tenant, &order_id).await?;
    let after = query.after.as_deref().unwrap_or("");
    let rows = state.store.order_serials(tenant, &order_id, after, i64::from(limit)).await?;
    let entry = AuditEntry::new(tenant, "order.serials_read", "order", &order_id)
        .new_value(serde_json::json!({ "after": query.after }));
    super::exports::count(&state, &principal, entry, rows.len()).await?;
    let serials = rows
        .into_iter()
        .map(|row| OrderSerial { serial: row.serial, device_id: row.device_id, unit_status: row.unit_status })
        .collect();
    Ok(Json(OrderSerials { serials }))
}

/// Closes an order: its serials that are neither commissioned nor reserved go back to Available (serials of
/// an external system stay assigned). Supervisors and admins.
#[utoipa::path(post, path = "/orders/{order_id}/close", tag = "orders", params(("order_id" = String, Path)),
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Order), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn orders_close(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(order_id): ApiPath<String>,
) -> ApiResult<Json<Order>> {
    principal.require(Permission::ManagePool, "close orders")?;
    let tenant = &principal.tenant_id;
    if !state.store.order_close(tenant, &order_id, &principal.actor()).await? {
        return Err(ApiError::Conflict { code: "order_closed", message: "this order is closed already".into() });
    }
    orders_show(State(state), principal, ApiPath(order_id)).await
}
