//! Units: register a range or a list, look one up (by GTIN + serial or any scanner string), its history, and
//! commands through the shared state machine.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, ApiQuery};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::views::EventView;
use super::views::UnitView;
use crate::auth::Permission;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::{Gtin, Serial};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(units_lookup)).routes(routes!(units_show)).routes(routes!(units_history))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UnitLookup {
    /// A GTIN (8, 12, 13 or 14 digits); give it with `serial`.
    #[param(pattern = r"^(\d{8}|\d{12,14})$")]
    gtin: Option<String>,
    /// Or a product code of any schema (an internal code such as `CM-500`, a PPN); give it with `serial`.
    code: Option<String>,
    /// The serial (AI 21).
    #[param(value_type = Option<serialtrack_shared::ids::Serial>)]
    serial: Option<String>,
    /// Or a whole scanner string: `]d2…` with GS separators, `(01)…(21)…`, or a GS1 Digital Link.
    scan: Option<String>,
}

/// Finds a unit by GTIN + serial, by product code + serial, or by any scanner string that holds GTIN and serial.
#[utoipa::path(get, path = "/units", tag = "units", params(UnitLookup), security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = UnitView), CommonErrors))]
pub async fn units_lookup(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(lookup): ApiQuery<UnitLookup>,
) -> ApiResult<Json<UnitView>> {
    principal.require(Permission::Read, "look up units")?;
    let tenant = &principal.tenant_id;
    if let (Some(code), Some(serial), None, None) = (&lookup.code, &lookup.serial, &lookup.scan, &lookup.gtin) {
        let serial = Serial::parse(serial).map_err(|error| ApiError::invalid("invalid_serial", error.to_string()))?;
        let not_found = || ApiError::NotFound(format!("a unit with product code {code} and serial {serial}"));
        let products = state.store.products_by_code(tenant, &[code.trim().to_owned()]).await?;
        let product = products.into_iter().next().ok_or_else(not_found)?;
        let unit = state.store.unit_by_serial(tenant, &product.id, serial.as_str()).await?.ok_or_else(not_found)?;
        return Ok(Json(unit.into()));
    }
    let (gtin, serial) = match (lookup.scan, lookup.gtin, lookup.serial) {
        _ if lookup.code.is_some() => {
            return Err(ApiError::bad_request(
                "invalid_lookup",
                "give code together with serial, and neither gtin nor scan",
            ))
        }
        (Some(scan), None, None) => super::scan::gtin_and_serial(&scan)?,
        (None, Some(gtin), Some(serial)) => (gtin, serial),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_lookup",
                "give gtin and serial, code and serial, or scan (a whole scanner string) alone",
            ))
        }
    };
    let gtin = Gtin::parse(&gtin).map_err(|error| ApiError::invalid("invalid_gtin", error.to_string()))?;
    let serial = Serial::parse(&serial).map_err(|error| ApiError::invalid("invalid_serial", error.to_string()))?;
    let not_found = || ApiError::NotFound(format!("a unit with GTIN {gtin} and serial {serial}"));
    let product = state.store.product_by_gtin(tenant, gtin.as_str()).await?.ok_or_else(not_found)?;
    let unit = state.store.unit_by_serial(tenant, &product.id, serial.as_str()).await?.ok_or_else(not_found)?;
    Ok(Json(unit.into()))
}

/// One unit of the tenant.
#[utoipa::path(get, path = "/units/{unit_id}", tag = "units", params(("unit_id" = String, Path)),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = UnitView), CommonErrors))]
pub async fn units_show(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(unit_id): ApiPath<String>,
) -> ApiResult<Json<UnitView>> {
    principal.require(Permission::Read, "look up units")?;
    let unit = state.store.unit(&principal.tenant_id, &unit_id).await?;
    Ok(Json(unit.ok_or_else(|| ApiError::NotFound("a unit with this id".into()))?.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only events older than this seq (for the next page).
    #[param(minimum = 0, maximum = 18_446_744_073_709_551_615_u64)]
    before: Option<u64>,
    /// At most this many (1–500, default 100; 0 is taken as 1, more as 500).
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitHistory {
    unit: UnitView,
    /// Newest first.
    events: Vec<EventView>,
}

/// A unit's history, newest first.
#[utoipa::path(get, path = "/units/{unit_id}/history", tag = "units",
    params(("unit_id" = String, Path), HistoryQuery), security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = UnitHistory), CommonErrors))]
pub async fn units_history(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(unit_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<Json<UnitHistory>> {
    principal.require(Permission::Read, "read unit histories")?;
    let tenant = &principal.tenant_id;
    let unit =
        state.store.unit(tenant, &unit_id).await?.ok_or_else(|| ApiError::NotFound("a unit with this id".into()))?;
    let before = query.before.map(|seq| i64::try_from(seq).unwrap_or(i64::MAX));
    let limit = i64::from(query.limit.unwrap_or(100).clamp(1, 500));
    let events = state.store.unit_history(tenant, &unit_id, before, limit).await?;
    Ok(Json(UnitHistory { unit: unit.into(), events: events.into_iter().map(EventView::from).collect() }))
}
