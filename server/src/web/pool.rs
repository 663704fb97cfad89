//! The serial number pool: generate or import serials for a product, and count them per status.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::product_settings::SerialSource;
use super::AppState;
use crate::auth::Permission;
use crate::store::StoreError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::Serial;
use std::collections::{BTreeMap, HashSet};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most serials one import or generation call takes.
pub const MAX_SERIALS_PER_CALL: usize = 1_000_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pool_import)).routes(routes!(pool_generate)).routes(routes!(pool_counts))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolImport {
    /// The serials, each 1–20 GS1 CSET 82 characters; the list is taken whole or not at all.
    serials: Vec<String>,
    /// Defaults to `imported`.
    source: Option<SerialSource>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolGenerate {
    /// How many serials to generate (1 to 1,000,000).
    count: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolAdded {
    /// How many serials were added to the pool.
    added: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolCount {
    product_id: String,
    code: String,
    name: String,
    available: i64,
    assigned: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolCounts {
    products: Vec<PoolCount>,
}

/// Imports a list of serials into a product's pool, validated as a whole: one bad, repeated or already-pooled
/// serial refuses the list (422 or 409) and the message names it. Supervisors and admins.
#[utoipa::path(post, path = "/products/{product_id}/pool/import", tag = "pool", params(("product_id" = String, Path)),
    request_body = PoolImport, security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = PoolAdded), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn pool_import(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
    ApiJson(import): ApiJson<PoolImport>,
) -> ApiResult<(StatusCode, Json<PoolAdded>)> {
    principal.require(Permission::ManagePool, "import serials")?;
    let tenant = &principal.tenant_id;
    state
        .store
        .product(tenant, &product_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("a product with this id".into()))?;
    super::quota::check(&principal, state.store.as_ref(), import.serials.len() as u64).await?;
    let serials = validate_serials(import.serials)?;
    let source = import.source.unwrap_or(SerialSource::Imported).as_str();
    let added = match state.store.pool_insert(tenant, &product_id, source, &serials).await {
        Err(StoreError::Conflict(_)) => {
            let existing = state.store.pool_existing(tenant, &product_id, &serials).await?;
            return Err(ApiError::Conflict {
                code: "serials_in_pool",
                message: format!(
                    "{} of these serials are in the pool already, e.g. {}: remove them and import again",
                    existing.len(),
                    existing.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        other => other?,
    };
    Ok((StatusCode::CREATED, Json(PoolAdded { added })))
}

/// Checks every serial and that none repeats; the error names the first few bad ones.
pub fn validate_serials(serials: Vec<String>) -> ApiResult<Vec<String>> {
    if serials.is_empty() || serials.len() > MAX_SERIALS_PER_CALL {
        return Err(ApiError::invalid("invalid_count", "send 1 to 1,000,000 serials in one call"));
    }
    let mut problems = Vec::new();
    let mut seen = HashSet::with_capacity(serials.len());
    for (index, serial) in serials.iter().enumerate() {
        if let Err(error) = Serial::parse(serial) {
            problems.push(format!("#{index} '{serial}': {error}"));
        } else if !seen.insert(serial.as_str()) {
            problems.push(format!("#{index} '{serial}' appears twice"));
        }
        if problems.len() == 5 {
            break;
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid("invalid_serials", format!("fix these serials: {}", problems.join("; "))));
    }
    Ok(serials)
}

/// Generates serials for a product with its serial scheme and adds them to its pool. Supervisors and admins.
#[utoipa::path(post, path = "/products/{product_id}/pool/generate", tag = "pool",
    params(("product_id" = String, Path)), request_body = PoolGenerate, security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = PoolAdded), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn pool_generate(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
    ApiJson(generate): ApiJson<PoolGenerate>,
) -> ApiResult<(StatusCode, Json<PoolAdded>)> {
    principal.require(Permission::ManagePool, "generate serials")?;
    let count = generate.count as usize;
    super::quota::check(&principal, state.store.as_ref(), count as u64).await?;
    if count == 0 || count > MAX_SERIALS_PER_CALL {
        return Err(ApiError::invalid("invalid_count", "count must be 1 to 1,000,000"));
    }
    let tenant = &principal.tenant_id;
    let product = state.store.product(tenant, &product_id).await?;
    let product = product.ok_or_else(|| ApiError::NotFound("a product with this id".into()))?;
    super::product_settings::check_space(&product.serial_scheme, product.next_counter as u64, count as u64)?;
    let serials = crate::domain::serials::issue(state.store.as_ref(), &product, count).await?;
    let added =
        state.store.pool_insert(tenant, &product_id, "generated", &serials).await.map_err(|error| match error {
            StoreError::Conflict(_) => ApiError::Conflict {
                code: "serials_in_pool",
                message: "some generated serials are in the pool already (imported earlier): generate again".into(),
            },
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(PoolAdded { added })))
}

/// How many serials each product has available and assigned.
#[utoipa::path(get, path = "/pool/counts", tag = "pool", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PoolCounts), CommonErrors))]
pub async fn pool_counts(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<PoolCounts>> {
    principal.require(Permission::Read, "read the pool")?;
    let tenant = &principal.tenant_id;
    let products = state.store.products(tenant, None, i64::MAX, 0).await?;
    let mut counts: BTreeMap<String, PoolCount> = products
        .into_iter()
        .map(|product| {
            let count = PoolCount {
                product_id: product.id.clone(),
                code: product.code,
                name: product.name,
                available: 0,
                assigned: 0,
            };
            (product.id, count)
        })
        .collect();
    for row in state.store.pool_counts(tenant).await? {
        if let Some(count) = counts.get_mut(&row.product_id) {
            match row.status.as_str() {
                "available" => count.available = row.count,
                _ => count.assigned += row.count,
            }
        }
    }
    Ok(Json(PoolCounts { products: counts.into_values().collect() }))
}
