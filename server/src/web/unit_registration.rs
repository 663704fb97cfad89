//! `POST /api/v1/units`: register a range or a list of serials as units in one call, in one transaction.

use super::commissioning::commission;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::ApiJson;
use super::input::{parse_expiry, validate_serials, MAX_BODY_BYTES, MAX_SERIALS_PER_CALL};
use super::lookups::find_product;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::words::shown;
use crate::auth::Permission;
use crate::domain::pool::commission_refusal;
use crate::domain::units::Commissioning;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::Lot;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(units_register)).layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A numbered range of serials: `prefix` + `start`, `start + 1`, … zero-padded to `width` digits.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SerialRange {
    #[serde(default)]
    prefix: String,
    #[schema(maximum = 18_446_744_073_709_551_615_u64)]
    start: u64,
    #[schema(minimum = 1, maximum = 1_000_000)]
    count: u32,
    /// Digits of the number, zero-padded (default: no padding).
    #[serde(default)]
    #[schema(maximum = 255)]
    width: u8,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitRegistration {
    product_id: String,
    /// The lot (batch), 1–20 CSET 82 characters.
    #[schema(value_type = Option<serialtrack_shared::ids::Lot>)]
    lot: Option<String>,
    /// The expiry date, `YYYY-MM-DD`.
    #[schema(schema_with = serialtrack_shared::openapi::optional_date)]
    expiry: Option<String>,
    /// Where the units are (a GLN or a name).
    location: Option<String>,
    /// Either a list of serials …
    #[schema(value_type = Option<Vec<serialtrack_shared::ids::Serial>>, min_items = 1, max_items = 1_000_000)]
    serials: Option<Vec<String>>,
    /// … or a range.
    range: Option<SerialRange>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitsRegistered {
    registered: usize,
    /// The seqs of the registration events: `first_seq..=last_seq`.
    first_seq: i64,
    last_seq: i64,
}

fn range_serials(range: &SerialRange) -> ApiResult<Vec<String>> {
    let count = range.count as usize;
    if count == 0 || count > MAX_SERIALS_PER_CALL {
        return Err(ApiError::invalid("invalid_count", "a range holds 1 to 1,000,000 serials"));
    }
    let last = range
        .start
        .checked_add(range.count as u64 - 1)
        .ok_or_else(|| ApiError::invalid("invalid_range", "the range runs past the largest number: start lower"))?;
    let width = usize::from(range.width);
    let longest = range.prefix.chars().count() + last.to_string().len().max(width);
    if longest > 20 {
        return Err(ApiError::invalid("invalid_range", "prefix and number together must fit in 20 characters"));
    }
    Ok((range.start..=last).map(|number| format!("{}{number:0width$}", range.prefix)).collect())
}

/// Registers units from a list or a range of serials, all or none: a bad serial is a 422, one already
/// registered a 409 naming it. Operators, supervisors and admins.
#[utoipa::path(post, path = "/units", tag = "units", request_body = UnitRegistration,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = UnitsRegistered), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn units_register(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(registration): ApiJson<UnitRegistration>,
) -> ApiResult<(StatusCode, Json<UnitsRegistered>)> {
    principal.require(Permission::RegisterUnits, "register units")?;
    let tenant = &principal.tenant_id;
    let serials = match (registration.serials, &registration.range) {
        (Some(list), None) => validate_serials(list)?,
        (None, Some(range)) => validate_serials(range_serials(range)?)?,
        _ => return Err(ApiError::invalid("invalid_registration", "give either serials (a list) or range, not both")),
    };
    let lot = match registration.lot.as_deref() {
        Some(text) => Some(Lot::parse(text).map_err(|error| ApiError::invalid("invalid_lot", error.to_string()))?),
        None => None,
    };
    let expiry = registration.expiry.as_deref().map(parse_expiry).transpose()?;
    let product = find_product(&state, tenant, &registration.product_id).await?;
    let holds = state.store.pool_holds(tenant, &product.id, &serials).await?;
    let refusals: Vec<String> =
        holds.iter().filter_map(|hold| commission_refusal(hold, None)).map(|refusal| refusal.message).collect();
    if !refusals.is_empty() {
        return Err(ApiError::Conflict {
            code: "serial_not_assigned",
            message: format!("nothing was registered; {}: {}", refusals.len(), shown(&refusals)),
        });
    }
    let commissioning = Commissioning { lot, expiry, location: registration.location, owner: None };
    let (registered, last_seq) = commission(&state, &principal, &product, &serials, &commissioning).await?;
    Ok((
        StatusCode::CREATED,
        Json(UnitsRegistered { registered, first_seq: last_seq - registered as i64 + 1, last_seq }),
    ))
}
