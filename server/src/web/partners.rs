//! `GET /partners`: the organisations this one has a partnership with (a brand owner's CMOs, a CMO's brand
//! owner), so people pick a partner by name instead of typing a tenant id; `PATCH /partners/{id}`: a brand
//! owner's limit on the serials one assignment may give that partner.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiPath};
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
    OpenApiRouter::new().routes(routes!(partners_list)).routes(routes!(partners_update))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Partner {
    /// The partner's tenant id (what `pool/assign` takes as `partner_tenant_id`).
    id: String,
    name: String,
    /// `brand_owner` (MAH) or `contract_manufacturer` (CMO).
    kind: String,
    /// The most serials one assignment may give this partner; only the brand owner of the partnership sees it.
    max_serials_per_request: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Partners {
    partners: Vec<Partner>,
}

/// The organisations in a partnership with the caller's, by name.
#[utoipa::path(get, path = "/partners", tag = "pool", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Partners), CommonErrors))]
pub async fn partners_list(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<Partners>> {
    principal.require(Permission::Read, "read your partners")?;
    let tenant = &principal.tenant_id;
    let mut partners = Vec::new();
    for partner in state.store.partners(tenant).await? {
        // Some only where the caller is the owner side: a CMO does not see its brand owner's limit on it.
        let max_serials_per_request = state.store.partnership_max_serials(tenant, &partner.id).await?;
        partners.push(Partner { id: partner.id, name: partner.name, kind: partner.kind, max_serials_per_request });
    }
    partners.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(Partners { partners }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerUpdate {
    /// The most serials one assignment may give this partner (1 to 10,000,000).
    #[schema(minimum = 1, maximum = 10_000_000)]
    max_serials_per_request: u64,
}

/// Sets the most serials one assignment may give a partner (the anchors' partners asked for 1,000,000 where
/// 100,000 was meant). The brand owner's admins only.
#[utoipa::path(patch, path = "/partners/{partner_id}", tag = "pool", params(("partner_id" = String, Path)),
    request_body = PartnerUpdate, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Partner), CommonErrors))]
pub async fn partners_update(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(partner_id): ApiPath<String>,
    ApiJson(update): ApiJson<PartnerUpdate>,
) -> ApiResult<Json<Partner>> {
    principal.require(Permission::ManagePartners, "set a partner's limit")?;
    principal.require_person("set a partner's limit")?;
    let max = update.max_serials_per_request;
    if !(1..=10_000_000).contains(&max) {
        return Err(ApiError::invalid("invalid_quota", "max_serials_per_request must be 1 to 10,000,000"));
    }
    let tenant = &principal.tenant_id;
    let not_yours = || ApiError::NotFound("a partner your organisation assigns serials to, with this id".into());
    if !state.store.partnership_set_max_serials(tenant, &partner_id, max as i64).await? {
        return Err(not_yours());
    }
    let partner = state.store.partners(tenant).await?.into_iter().find(|partner| partner.id == partner_id);
    let partner = partner.ok_or_else(not_yours)?;
    Ok(Json(Partner {
        id: partner.id,
        name: partner.name,
        kind: partner.kind,
        max_serials_per_request: Some(max as i64),
    }))
}
