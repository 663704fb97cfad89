//! `GET /partners`: the organisations this one has a partnership with (a brand owner's CMOs, a CMO's brand
//! owner), so people pick a partner by name instead of typing a tenant id.

use super::error::ApiResult;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::AppState;
use crate::auth::Permission;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(partners_list))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Partner {
    /// The partner's tenant id (what `pool/assign` takes as `partner_tenant_id`).
    id: String,
    name: String,
    /// `brand_owner` (MAH) or `contract_manufacturer` (CMO).
    kind: String,
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
    let mut partners: Vec<Partner> = state
        .store
        .partners(&principal.tenant_id)
        .await?
        .into_iter()
        .map(|tenant| Partner { id: tenant.id, name: tenant.name, kind: tenant.kind })
        .collect();
    partners.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(Partners { partners }))
}
