//! Sync for offline devices (docs/SYNC.md): push a batch of recorded commands, pull the log after a cursor, and a
//! payload-free poke over Server-Sent Events so other devices pull at once.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiQuery};
use super::input::check_device_id;
use super::openapi::{CommonErrors, ExportCeiling};
use super::principal::Principal;
use super::request_log;
use super::state::AppState;
use crate::auth::Permission;
use crate::domain::push::{decide_batch, wire_result, BatchProduct};
use crate::domain::units::{product_code, workflow};
use crate::store::{PushWrites, StoreError, DEVICE_OF_ANOTHER_TENANT};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use serde::Deserialize;
use serialtrack_shared::ids::ProductCode;
use serialtrack_shared::sync::{
    reset_reason, LogBounds, PullAnswer, PullRequest, PullResponse, PushDecision, PushRequest, PushResponse, WireEvent,
    MAX_PULL_EVENTS,
};
use serialtrack_shared::unit::upcast;
use std::collections::HashMap;
use std::convert::Infallible;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sync_push)).routes(routes!(sync_pull)).routes(routes!(sync_poke))
}

/// Pushes a batch of a device's recorded commands (≤ 100, device_seq ascending), in one transaction. Each op is
/// answered: accepted with its event's seq, refused with the reason and what the server had, or — for a
/// device_seq seen before — the stored answer again. A gap or a newer command vocabulary stops the batch there.
/// 503 means nothing was recorded: push the same batch again later.
#[utoipa::path(post, path = "/sync/push", tag = "sync", request_body = PushRequest,
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PushResponse),
        (status = 409, body = ErrorBody, description = "The device id belongs to another organisation"), CommonErrors))]
pub async fn sync_push(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    principal.require(Permission::ApplyCommands, "change units")?;
    let op_ids: Vec<String> = request.ops.iter().map(|op| op.op_id.to_string()).collect();
    request_log::note("device.id", &request.device_id);
    request_log::note("op.id", &op_ids.join(","));
    request.validate().map_err(|error| ApiError::invalid("invalid_push", error.to_string()))?;
    check_device_id(&request.device_id)?;
    let tenant = &principal.tenant_id;
    let products = batch_products(&state, tenant, &request).await?;
    let units: Vec<(String, String)> = request
        .ops
        .iter()
        .filter_map(|op| {
            products.get(&op.unit.product).map(|p| (p.record.id.clone(), op.unit.serial.as_str().to_owned()))
        })
        .collect();
    let caller = principal.caller(None, None);
    let now = time::OffsetDateTime::now_utc();
    let mut decided: Option<PushDecision> = None;
    let mut decide = |context| -> PushWrites {
        let (writes, decision) = decide_batch(context, &request.ops, &products, &caller, now);
        decided = Some(decision);
        writes
    };
    let head_seq = state.store.push(tenant, &request.device_id, &units, &op_ids, &mut decide).await.map_err(
        |error| match error {
            StoreError::Conflict(what) if what == DEVICE_OF_ANOTHER_TENANT => ApiError::Conflict {
                code: "device_of_another_organisation",
                message: "this device id is registered to another organisation: make a new device id".into(),
            },
            error if error.is_transient() => ApiError::Unavailable(format!("push rolled back: {error}")),
            other => other.into(),
        },
    )?;
    let decision = decided.ok_or_else(|| ApiError::Internal("the push was not decided".into()))?;
    if !decision.newly_decided.is_empty() {
        state.pokes.poke(tenant);
    }
    Ok(Json(decision.into_response(head_seq.max(0) as u64)))
}

/// The tenant's products the batch names, by product code.
async fn batch_products(
    state: &AppState,
    tenant: &str,
    request: &PushRequest,
) -> ApiResult<HashMap<ProductCode, BatchProduct>> {
    let wanted: std::collections::BTreeSet<&ProductCode> = request.ops.iter().map(|op| &op.unit.product).collect();
    let codes: Vec<String> = wanted.iter().map(|code| code.as_str().to_owned()).collect();
    let mut products = HashMap::new();
    for record in state.store.products_by_code(tenant, &codes).await? {
        let Ok(code) = product_code(&record) else { continue };
        if wanted.contains(&code) {
            let workflow = workflow(&record).map_err(|error| ApiError::Internal(error.to_string()))?;
            products.insert(code, BatchProduct { record, workflow });
        }
    }
    Ok(products)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    /// The seq of the last event the device has applied (0 for none).
    #[param(minimum = 0, maximum = 18_446_744_073_709_551_615_u64)]
    cursor: u64,
    /// The log epoch the device's data came from; a different one answers "reset".
    #[param(schema_with = serialtrack_shared::openapi::uuid)]
    log_epoch: Option<uuid::Uuid>,
    /// The device, to return its op results.
    device_id: Option<String>,
    /// Return the device's op results with device_seq above this (leave out for none).
    #[param(minimum = 0, maximum = 18_446_744_073_709_551_615_u64)]
    results_after: Option<u64>,
    /// Events per page, 1–500 (default 500).
    #[param(minimum = 1, maximum = 500, default = 500)]
    limit: Option<u32>,
}

/// The tenant's events after the cursor, ascending, ≤ 500 a page, with this device's op results — or
/// `{"answer": "reset"}` when the device's data is from another log epoch or beyond the server's head. A page
/// with more behind it counts the units it names against the caller's export ceiling of the day; the page that
/// reaches the head counts nothing (docs/DATA_PROTECTION.md).
#[utoipa::path(get, path = "/sync/pull", tag = "sync", params(PullQuery), security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PullAnswer, description = "A page of events, or a reset"), CommonErrors,
        ExportCeiling))]
pub async fn sync_pull(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PullQuery>,
) -> ApiResult<Json<PullAnswer>> {
    principal.require(Permission::Read, "read units")?;
    let limit = query.limit.unwrap_or(MAX_PULL_EVENTS as u32);
    if !(1..=MAX_PULL_EVENTS as u32).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit must be 1 to 500 events per page"));
    }
    let tenant = &principal.tenant_id;
    let record = state.store.tenant(tenant).await?.ok_or_else(|| ApiError::NotFound("your organisation".into()))?;
    let log_epoch = uuid::Uuid::parse_str(&record.log_epoch).map_err(|error| ApiError::Internal(error.to_string()))?;
    let floor = record.retention_floor.max(0) as u64;
    let bounds = LogBounds { log_epoch, retention_floor: floor, head_seq: record.last_seq.max(0) as u64 };
    if let Some(why) = reset_reason(&PullRequest { cursor: query.cursor, log_epoch: query.log_epoch }, &bounds) {
        return Ok(Json(PullAnswer::Reset { why }));
    }
    let after = i64::try_from(query.cursor).unwrap_or(i64::MAX);
    let mut records = state.store.events_since(tenant, after, i64::from(limit) + 1).await?;
    let has_more = records.len() > limit as usize;
    records.truncate(limit as usize);
    // The entry names the device when it is a well-formed device id (the query's is not checked otherwise).
    let device = query.device_id.as_deref().filter(|device| check_device_id(device).is_ok());
    super::exports::count_log_page(&state, &principal, after, &records, has_more, device).await?;
    let mut events = Vec::with_capacity(records.len());
    for record in records {
        let payload: serde_json::Value = serde_json::from_str(&record.payload).unwrap_or_default();
        let recorded =
            upcast(payload.clone()).map_err(|error| ApiError::Internal(format!("event {}: {error}", record.seq)))?;
        let op_id = uuid::Uuid::parse_str(&record.op_id).unwrap_or(recorded.event_id);
        events.push(WireEvent { seq: record.seq as u64, op_id, unit: recorded.unit, event: payload });
    }
    let next_cursor = events.last().map_or(query.cursor, |event| event.seq);
    let op_results = match (&query.device_id, query.results_after) {
        (Some(device), Some(results_after)) => {
            let after = i64::try_from(results_after).unwrap_or(i64::MAX);
            let records = state.store.device_results(tenant, device, after, 500).await?;
            records.iter().filter_map(wire_result).collect()
        }
        _ => Vec::new(),
    };
    let head_seq = bounds.head_seq.max(next_cursor);
    Ok(Json(PullAnswer::Page(PullResponse { log_epoch, events, next_cursor, head_seq, has_more, op_results })))
}

/// A Server-Sent Events stream that sends an event named `poke`, with no data, whenever the caller's
/// organisation's log grows: pull then. A comment every 15 s keeps proxies from closing it.
#[utoipa::path(get, path = "/sync/poke", tag = "sync", security(("session" = []), ("api_key" = [])),
    responses((status = 200, content_type = "text/event-stream", description = "`event: poke` lines"),
        (status = 429, body = ErrorBody, description = "The caller already holds 16 streams on this server"),
        CommonErrors))]
pub async fn sync_poke(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>> {
    principal.require(Permission::Read, "follow changes")?;
    let tenant = principal.tenant_id.clone();
    let subscription = state.pokes.subscribe(&principal.id).ok_or_else(|| ApiError::TooMany {
        code: "too_many_streams",
        message: format!(
            "you already follow changes on {} streams: close one (another tab or device) before opening more",
            super::pokes::MAX_STREAMS_PER_CALLER
        ),
    })?;
    let stream = futures_util::stream::unfold(subscription, move |mut subscription| {
        let tenant = tenant.clone();
        async move {
            loop {
                match subscription.receiver.recv().await {
                    Ok(poked) if poked == tenant => {
                        return Some((Ok(Event::default().event("poke").data("")), subscription))
                    }
                    Ok(_) => continue,
                    // Missed pokes still mean "pull now".
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        return Some((Ok(Event::default().event("poke").data("")), subscription))
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15))))
}
