//! Assigning pool serials (to an order, or to a partner CMO) and the partner's view of what it was given.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::item_errors::{counted, ItemErrors};
use super::lookups::find_product;
use super::openapi::{CommonErrors, ExportCeiling};
use super::principal::Principal;
use super::state::AppState;
use crate::auth::Permission;
use crate::store::{AuditEntry, PartnerSerialRecord, PoolAction, PoolStateRecord};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::pool;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pool_assign))
        .routes(routes!(pool_release))
        .routes(routes!(pool_partner_serials))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolAssign {
    /// How many available serials to assign (1 to 100,000).
    #[schema(minimum = 1, maximum = 100_000)]
    count: u32,
    /// What they are for: a packaging order, a printing order, a request (1 to 200 characters).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
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
    super::quota::check(&principal, state.store.as_ref(), u64::from(assign.count)).await?;
    if assign.count == 0 || assign.count > 100_000 {
        return Err(ApiError::invalid("invalid_count", "count must be 1 to 100,000"));
    }
    let assigned_to = assign.assigned_to.trim();
    if assigned_to.is_empty() || assigned_to.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_assigned_to", "say what the serials are for in 1 to 200 characters"));
    }
    find_product(&state, tenant, &product_id).await?;
    if let Some(partner) = assign.partner_tenant_id.as_deref() {
        let partners = state.store.partners(tenant).await?;
        if !partners.iter().any(|candidate| candidate.id == partner) {
            return Err(ApiError::invalid(
                "not_a_partner",
                "partner_tenant_id must be one of your partners' tenant ids",
            ));
        }
        super::quota::check_partner(state.store.as_ref(), tenant, partner, u64::from(assign.count)).await?;
    }
    let action = PoolAction::new("assigned", principal.actor(), format!("to {assigned_to}"));
    let serials = state
        .store
        .pool_assign_next(
            tenant,
            &product_id,
            i64::from(assign.count),
            assigned_to,
            assign.partner_tenant_id.as_deref(),
            &action,
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolRelease {
    /// The assigned serials to set back to Available (1 to 100,000).
    #[schema(value_type = Vec<serialtrack_shared::ids::Serial>, min_items = 1, max_items = 100_000)]
    serials: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolReleased {
    released: usize,
}

/// Sets assigned serials of a product back to Available — all or none. Refused (409, each serial with its
/// reason) for a serial that is not in the pool, not assigned, already commissioned as a unit, owned by an
/// external system, given to the caller by a brand owner, or assigned to a partner that no longer has it
/// Available. Serials assigned to a partner leave the partner's pool. Supervisors and admins.
#[utoipa::path(post, path = "/products/{product_id}/pool/release", tag = "pool", params(("product_id" = String, Path)),
    request_body = PoolRelease, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PoolReleased), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn pool_release(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
    ApiJson(release): ApiJson<PoolRelease>,
) -> ApiResult<Json<PoolReleased>> {
    principal.require(Permission::ManagePool, "release serials")?;
    let tenant = &principal.tenant_id;
    if release.serials.is_empty() || release.serials.len() > 100_000 {
        return Err(ApiError::invalid("invalid_count", "give 1 to 100,000 serials to release"));
    }
    find_product(&state, tenant, &product_id).await?;
    let states = state.store.pool_states(tenant, &product_id, &release.serials).await?;
    let by_serial: HashMap<&str, &PoolStateRecord> = states.iter().map(|row| (row.serial.as_str(), row)).collect();
    let at_partner = state.store.partner_pool_states(tenant, &product_id, &release.serials).await?;
    let at_partner: HashMap<&str, &PoolStateRecord> = at_partner.iter().map(|row| (row.serial.as_str(), row)).collect();
    let mut refusals = ItemErrors::default();
    for serial in &release.serials {
        let problem = match by_serial.get(serial.as_str()) {
            None => "not in this product's pool".to_owned(),
            Some(row) => match release_refusal(row)
                .or_else(|| at_partner.get(serial.as_str()).and_then(|row| partner_refusal(row)))
            {
                Some(problem) => problem,
                None => continue,
            },
        };
        refusals.push(None, serial, problem);
    }
    if !refusals.is_empty() {
        return Err(ApiError::Items {
            status: StatusCode::CONFLICT,
            code: "release_refused",
            message: format!(
                "nothing was released: {} cannot be, with why; leave them out and release the rest",
                counted(refusals.total(), "these serials")
            ),
            errors: refusals,
        });
    }
    let released = super::words::serials_in_words(release.serials.len());
    let action = PoolAction::new("released", principal.actor(), format!("{released} released"));
    if !state.store.pool_release(tenant, &product_id, &release.serials, &action).await? {
        return Err(ApiError::Conflict {
            code: "pool_changed",
            message: "some of these serials changed while releasing them: nothing was released, look again".into(),
        });
    }
    Ok(Json(PoolReleased { released: release.serials.len() }))
}

/// Why the shared pool rules refuse to release this serial, if they do.
fn release_refusal(row: &PoolStateRecord) -> Option<String> {
    let source = match row.source.as_str() {
        "external" => pool::SerialSource::External { system: "external".into() },
        "imported" => pool::SerialSource::Imported,
        "partner" => pool::SerialSource::Partner { tenant: String::new() },
        _ => pool::SerialSource::Generated,
    };
    let mut entry = pool::PoolEntry::new(source);
    if row.status == "assigned" {
        entry.status = pool::PoolStatus::Assigned;
    }
    entry.commissioned = row.commissioned != 0;
    pool::handle(&entry, &pool::PoolCommand::Release).err().map(|refusal| refusal.message)
}

/// Why a serial the owner assigned to a partner cannot come back: the partner is using it.
fn partner_refusal(row: &PoolStateRecord) -> Option<String> {
    if row.commissioned != 0 {
        Some("the partner has commissioned a unit with it".into())
    } else if row.status != "available" {
        Some("the partner has assigned it (to an order or a device): ask the partner to return it first".into())
    } else {
        None
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PartnerSerialsQuery {
    /// Continue after this product id …
    after_product: Option<String>,
    /// … and this serial (both from the last row of the previous page).
    after_serial: Option<String>,
    /// At most this many (1–1000, default 500; 0 is taken as 1, more as 1000).
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
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

/// For a partner (CMO): the serials brand owners assigned to it, and nothing else of theirs. They count
/// against the caller's export ceiling of the day (docs/DATA_PROTECTION.md).
#[utoipa::path(get, path = "/pool/partner_serials", tag = "pool", params(PartnerSerialsQuery),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = PartnerSerials),
        CommonErrors, ExportCeiling))]
pub async fn pool_partner_serials(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PartnerSerialsQuery>,
) -> ApiResult<Json<PartnerSerials>> {
    principal.require(Permission::Read, "read the pool")?;
    let after = (query.after_product.as_deref().unwrap_or(""), query.after_serial.as_deref().unwrap_or(""));
    let limit = i64::from(query.limit.unwrap_or(500).clamp(1, 1000));
    let tenant = &principal.tenant_id;
    let rows = state.store.pool_partner_serials(tenant, after, limit).await?;
    let entry = AuditEntry::new(tenant, "pool.partner_serials_read", "tenant", tenant)
        .new_value(serde_json::json!({ "after_product": after.0, "after_serial": after.1 }));
    super::exports::count(&state, &principal, entry, rows.len()).await?;
    Ok(Json(PartnerSerials { serials: rows.into_iter().map(PartnerSerial::from).collect() }))
}
