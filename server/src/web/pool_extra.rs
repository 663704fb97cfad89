//! `GET /products/{id}/pool/extra`: the extra per-serial parameters (e.g. crypto codes) an integration stored with
//! its serials. Only API keys made with `reads_extra` read them; no person's session does, and the app never
//! shows them.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, ApiQuery};
use super::lookups::find_product;
use super::openapi::{CommonErrors, ExportCeiling};
use super::principal::{Principal, PrincipalKind};
use super::state::AppState;
use crate::auth::Permission;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pool_extra))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExtraQuery {
    /// The serials, comma-separated (1 to 1,000).
    #[param(required = true, pattern = r"[^,\s]")]
    serials: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SerialExtra {
    serial: String,
    /// What was imported with the serial, or null.
    #[schema(value_type = Option<Object>)]
    extra: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SerialExtras {
    /// The serials of the product's pool among those asked for (others are left out).
    serials: Vec<SerialExtra>,
}

/// The extra parameters of these serials of a product's pool. API keys made with `reads_extra` only. The serials
/// answered count against the key's export ceiling of the day (docs/DATA_PROTECTION.md).
#[utoipa::path(get, path = "/products/{product_id}/pool/extra", tag = "pool",
    params(("product_id" = String, Path), ExtraQuery), security(("api_key" = [])),
    responses((status = 200, body = SerialExtras),
        CommonErrors, ExportCeiling))]
pub async fn pool_extra(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ExtraQuery>,
) -> ApiResult<Json<SerialExtras>> {
    principal.require(Permission::Read, "read the pool")?;
    let tenant = &principal.tenant_id;
    let grants = match principal.kind {
        PrincipalKind::ApiKey => state.store.api_key_grants(tenant, &principal.id).await?.unwrap_or_default(),
        PrincipalKind::User => Default::default(),
    };
    if !grants.reads_extra {
        return Err(ApiError::Forbidden {
            role: principal.role.as_str(),
            action: "read extra serial parameters (only API keys made with reads_extra do)",
        });
    }
    let serials: Vec<String> = query
        .serials
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|serial| !serial.is_empty())
        .map(str::to_owned)
        .collect();
    if serials.is_empty() || serials.len() > 1_000 {
        return Err(ApiError::invalid("invalid_serials", "give 1 to 1,000 serials, comma-separated"));
    }
    find_product(&state, tenant, &product_id).await?;
    let rows = state.store.pool_extra(tenant, &product_id, &serials).await?;
    let entry = crate::store::AuditEntry::new(tenant, "pool.extra_read", "product", &product_id);
    super::exports::count(&state, &principal, entry, rows.len()).await?;
    let serials = rows
        .into_iter()
        .map(|row| SerialExtra {
            serial: row.serial,
            extra: row.extra.and_then(|text| serde_json::from_str(&text).ok()),
        })
        .collect();
    Ok(Json(SerialExtras { serials }))
}
