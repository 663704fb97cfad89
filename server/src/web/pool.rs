//! The serial number pool: generate or import serials for a product, and count them per status.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::input::{check_count, items_refused, serial_problems, MAX_BODY_BYTES, MAX_SERIALS_PER_CALL};
use super::item_errors::{counted, ItemErrors};
use super::lookups::find_product;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::product_settings::SerialSource;
use super::state::AppState;
use super::words::serials_in_words;
use crate::auth::Permission;
use crate::store::{PoolAction, StoreError};
use axum::extract::{FromRequest, Request, State};
use axum::http::header;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::Serial;
use std::collections::{BTreeMap, HashSet};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pool_import))
        // A file of 1,000,000 serials is about 15 MB.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .routes(routes!(pool_generate))
        .routes(routes!(pool_counts))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolImport {
    /// The serials, each 1–20 GS1 CSET 82 characters; the list is taken whole or not at all.
    #[serde(default)]
    #[schema(value_type = Vec<serialtrack_shared::ids::Serial>, max_items = 1_000_000)]
    serials: Vec<String>,
    /// Or serials with extra parameters (e.g. crypto codes): kept beside each serial, returned only to API keys
    /// made with `reads_extra`, never shown in the app.
    #[serde(default)]
    #[schema(max_items = 1_000_000)]
    entries: Vec<ImportEntry>,
    /// Defaults to `imported`.
    source: Option<SerialSource>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportEntry {
    #[schema(value_type = serialtrack_shared::ids::Serial)]
    serial: String,
    /// A JSON object of at most 4,096 characters.
    #[schema(value_type = Object)]
    extra: serde_json::Value,
}

/// The most characters of one serial's extra parameters, as JSON.
const MAX_EXTRA_CHARS: usize = 4_096;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolGenerate {
    /// How many serials to generate (1 to 1,000,000).
    #[schema(minimum = 1, maximum = 1_000_000)]
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

/// A list of serials to import: JSON (`{"serials": [..]}`), or a file sent as `text/csv` or `text/plain`: one
/// serial per line, an optional header line `serial`, blank lines skipped.
pub struct ImportBody {
    serials: Vec<String>,
    /// Each serial's extra parameters as JSON text (`entries` only).
    extras: Vec<Option<String>>,
    /// For each serial, the line of the file it came from (a JSON list: its 1-based position).
    lines: Vec<usize>,
    source: Option<SerialSource>,
}

impl<S: Send + Sync> FromRequest<S> for ImportBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
        let is_file = content_type.is_some_and(|kind| kind.starts_with("text/csv") || kind.starts_with("text/plain"));
        if !is_file {
            let ApiJson(import) = ApiJson::<PoolImport>::from_request(request, state).await?;
            return from_json(import);
        }
        let text = String::from_request(request, state).await.map_err(|_| {
            ApiError::bad_request("unreadable_body", "send the file as UTF-8 text, one serial per line")
        })?;
        let (serials, lines, problems) = serials_from_file(&text);
        drop(text);
        if !problems.is_empty() {
            return Err(items_refused(problems));
        }
        let extras = vec![None; serials.len()];
        Ok(Self { serials, extras, lines, source: None })
    }
}

/// A JSON import: `serials`, or `entries` with extra parameters — each extra a JSON object of bounded size.
fn from_json(import: PoolImport) -> ApiResult<ImportBody> {
    if !import.serials.is_empty() && !import.entries.is_empty() {
        return Err(ApiError::invalid("invalid_body", "send `serials` or `entries`, not both"));
    }
    let lines: Vec<usize> = (1..=import.serials.len().max(import.entries.len())).collect();
    if import.entries.is_empty() {
        let extras = vec![None; import.serials.len()];
        return Ok(ImportBody { serials: import.serials, extras, lines, source: import.source });
    }
    let mut problems = ItemErrors::default();
    let (mut serials, mut extras) = (Vec::new(), Vec::new());
    for (entry, line) in import.entries.into_iter().zip(&lines) {
        let text = entry.extra.to_string();
        if !entry.extra.is_object() || text.chars().count() > MAX_EXTRA_CHARS {
            problems.push(Some(*line), &entry.serial, "extra must be a JSON object of at most 4,096 characters");
        }
        serials.push(entry.serial);
        extras.push(Some(text));
    }
    if !problems.is_empty() {
        return Err(items_refused(problems));
    }
    Ok(ImportBody { serials, extras, lines, source: import.source })
}

/// The serials of an uploaded file with their line numbers, and every line that is not one serial, repeats an
/// earlier one or comes after the millionth. Only good serials are kept, so a file of bad lines costs no more
/// memory than its text (`item_errors` bounds the answer).
fn serials_from_file(text: &str) -> (Vec<String>, Vec<usize>, ItemErrors) {
    let (mut serials, mut lines, mut problems) = (Vec::new(), Vec::new(), ItemErrors::default());
    let mut seen: HashSet<&str> = HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() || (index == 0 && line.eq_ignore_ascii_case("serial")) {
            continue;
        }
        let problem = if line.contains([',', ';', '\t']) {
            "more than one column: put one serial per line".to_owned()
        } else if let Err(error) = Serial::parse(line) {
            error.to_string()
        } else if !seen.insert(line) {
            "appears twice in the list".to_owned()
        } else if serials.len() == MAX_SERIALS_PER_CALL {
            "beyond the 1,000,000 serials one import takes: split the file".to_owned()
        } else {
            serials.push(line.to_owned());
            lines.push(index + 1);
            continue;
        };
        problems.push(Some(index + 1), line, problem);
    }
    (serials, lines, problems)
}

/// Imports a list of serials into a product's pool, as JSON or as a CSV / text file (one serial per line),
/// validated as a whole: every bad, repeated or already-pooled serial is listed in `errors` (422 or 409) and
/// nothing is imported. Supervisors and admins.
#[utoipa::path(post, path = "/products/{product_id}/pool/import", tag = "pool", params(("product_id" = String, Path)),
    request_body(content((PoolImport = "application/json"), (String = "text/csv"), (String = "text/plain"))),
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = PoolAdded), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn pool_import(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
    import: ImportBody,
) -> ApiResult<(StatusCode, Json<PoolAdded>)> {
    principal.require(Permission::ManagePool, "import serials")?;
    let tenant = &principal.tenant_id;
    find_product(&state, tenant, &product_id).await?;
    super::quota::check(&principal, state.store.as_ref(), import.serials.len() as u64).await?;
    check_count(&import.serials)?;
    let problems = serial_problems(&import.serials, &import.lines);
    if !problems.is_empty() {
        return Err(items_refused(problems));
    }
    let serials = import.serials;
    let source = import.source.unwrap_or(SerialSource::Imported).as_str();
    let entries: Vec<(&str, Option<&str>)> =
        serials.iter().zip(&import.extras).map(|(serial, extra)| (serial.as_str(), extra.as_deref())).collect();
    let detail = match source {
        "external" => format!("{} owned by an external system", serials_in_words(entries.len())),
        _ => format!("{} from a list", serials_in_words(entries.len())),
    };
    let action = PoolAction::new("imported", principal.actor(), detail);
    let added = match state.store.pool_insert_entries(tenant, &product_id, source, &entries, &action).await {
        Err(StoreError::Conflict(_)) => {
            let existing: HashSet<String> =
                state.store.pool_existing(tenant, &product_id, &serials).await?.into_iter().collect();
            let mut errors = ItemErrors::default();
            for (serial, line) in serials.iter().zip(&import.lines).filter(|(serial, _)| existing.contains(*serial)) {
                errors.push(Some(*line), serial, "already in this product's pool");
            }
            return Err(ApiError::Items {
                status: StatusCode::CONFLICT,
                code: "serials_in_pool",
                message: format!(
                    "{} are in the pool already: remove them and import again; nothing was imported",
                    counted(errors.total(), "these serials")
                ),
                errors,
            });
        }
        other => other?,
    };
    Ok((StatusCode::CREATED, Json(PoolAdded { added })))
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
    let product = find_product(&state, tenant, &product_id).await?;
    super::product_settings::check_space(&product.serial_scheme, product.next_counter as u64, count as u64)?;
    let serials = crate::domain::serials::issue(state.store.as_ref(), &product, count).await?;
    let action = PoolAction::new("generated", principal.actor(), serials_in_words(count));
    let added = state.store.pool_insert(tenant, &product_id, "generated", &serials, &action).await.map_err(
        |error| match error {
            StoreError::Conflict(_) => ApiError::Conflict {
                code: "serials_in_pool",
                message: "some generated serials are in the pool already (imported earlier): generate again".into(),
            },
            other => other.into(),
        },
    )?;
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
