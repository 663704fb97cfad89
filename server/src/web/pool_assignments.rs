//! Assigning pool serials (to an order, or to a partner CMO) and the partner's view of what it was given.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::AppState;
use crate::auth::Permission;
use crate::store::PartnerSerialRecord;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pool_assign)).routes(routes!(pool_partner_serials))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolAssign {
    /// How many available serials to assign (1 to 100,000).
    count: u32,
    /// What they are for: a packaging order, a printing order, a request (1 to 200 characters).
    assigned_to: String,
    /// A partner tenant (a CMO of yours) that then sees these serials.
    partner_tenant_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolAssigned {
    /// The serials now assigned; fewer than asked when the pool ran short.
    serials: Vec<String>,
}

/// Assigns the next available serials of a product. Supervisors and admins.
#[utoipa::path(post, path = "/products/{product_id}/pool/assign", tag = "pool", params(("product_id" = String, Path)),
    request_body = PoolAssign, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PoolAssigned), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn pool_assign(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
    ApiJson(assign): ApiJson<PoolAssign>,
) -> ApiResult<Json<PoolAssigned>> {
    principal.require(Permission::ManagePool, "assign serials")?;
    let tenant = &principal.tenant_id;
    if assign.count == 0 || assign.count > 100_000 {
        return Err(ApiError::invalid("invalid_count", "count must be 1 to 100,000"));
    }
    let assigned_to = assign.assigned_to.trim();
    if assigned_to.is_empty() || assigned_to.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_assigned_to", "say what the serials are for in 1 to 200 characters"));
    }
    state
        .store
        .product(tenant, &product_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("a product with this id".into()))?;
    if let Some(partner) = assign.partner_tenant_id.as_deref() {
        let partners = state.store.partners(tenant).await?;
        if !partners.iter().any(|candidate| candidate.id == partner) {
            return Err(ApiError::invalid(
                "not_a_partner",
                "partner_tenant_id must be one of your partners' tenant ids",
            ));
        }
    }
    let serials = state
        .store
        .pool_assign_next(
            tenant,
            &product_id,
            i64::from(assign.count),
            assigned_to,
            assign.partner_tenant_id.as_deref(),
        )
        .await?;
    if serials.is_empty() {
        return Err(ApiError::Conflict {
            code: "pool_empty",
            message: "the product has no available serials: generate or import some".into(),
        });
    }
    Ok(Json(PoolAssigned { serials }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PartnerSerialsQuery {
    /// Continue after this product id …
    after_product: Option<String>,
    /// … and this serial (both from the last row of the previous page).
    after_serial: Option<String>,
    /// At most this many (1–1000, default 500).
    limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerSerial {
    owner_tenant_id: String,
    product_id: String,
    code: String,
    gtin: Option<String>,
    name: String,
    serial: String,
    assigned_to: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerSerials {
    serials: Vec<PartnerSerial>,
}

impl From<PartnerSerialRecord> for PartnerSerial {
    fn from(record: PartnerSerialRecord) -> Self {
        Self {
            owner_tenant_id: record.owner_tenant_id,
            product_id: record.product_id,
            code: record.code,
            gtin: record.gtin,
            name: record.name,
            serial: record.serial,
            assigned_to: record.assigned_to,
        }
    }
}

/// For a partner (CMO): the serials brand owners assigned to it, and nothing else of theirs.
#[utoipa::path(get, path = "/pool/partner_serials", tag = "pool", params(PartnerSerialsQuery),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = PartnerSerials), CommonErrors))]
pub async fn pool_partner_serials(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PartnerSerialsQuery>,
) -> ApiResult<Json<PartnerSerials>> {
    principal.require(Permission::Read, "read the pool")?;
    let after = (query.after_product.as_deref().unwrap_or(""), query.after_serial.as_deref().unwrap_or(""));
    let limit = i64::from(query.limit.unwrap_or(500).clamp(1, 1000));
    let rows = state.store.pool_partner_serials(&principal.tenant_id, after, limit).await?;
    Ok(Json(PartnerSerials { serials: rows.into_iter().map(PartnerSerial::from).collect() }))
}
