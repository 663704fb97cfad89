//! `GET /api/v1/snapshot`: the tenant's units page by page, each with its recent history — how a device fills
//! itself for offline work without replaying the whole log (docs/SYNC.md, "Bootstrap").

use super::error::{ApiError, ApiResult};
use super::extract::ApiQuery;
use super::openapi::{CommonErrors, ExportCeiling};
use super::principal::Principal;
use super::state::AppState;
use super::views::EventView;
use super::views::UnitView;
use crate::auth::Permission;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(snapshot_page))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SnapshotQuery {
    /// The `next_after` of the previous page; leave out for the first page.
    after: Option<String>,
    /// Units per page, 1–5,000 (default 1,000).
    #[param(minimum = 1, maximum = 5_000, default = 1_000)]
    limit: Option<u32>,
    /// How many of each unit's newest events come with it, 0–50 (default 10).
    #[param(minimum = 0, maximum = 50, default = 10)]
    history: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SnapshotUnit {
    unit: UnitView,
    /// The unit's newest events, newest first.
    history: Vec<EventView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SnapshotView {
    /// Changes when the server's log was restored or reset: a device holding another epoch starts again.
    log_epoch: String,
    /// The tenant's head seq when this page was read: every unit on it includes all its events up to here.
    /// After the first page, pull events from the first page's `as_of_seq`, skipping a unit's events whose seq
    /// is at or below that unit's `last_seq`.
    as_of_seq: i64,
    units: Vec<SnapshotUnit>,
    /// Give this as `after` for the next page.
    next_after: Option<String>,
    has_more: bool,
}

/// One page of the tenant's units with their recent history, ordered by unit id. Its units count against the
/// caller's export ceiling of the day (docs/DATA_PROTECTION.md).
#[utoipa::path(get, path = "/snapshot", tag = "sync", params(SnapshotQuery),
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = SnapshotView), CommonErrors, ExportCeiling))]
pub async fn snapshot_page(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<SnapshotQuery>,
) -> ApiResult<Json<SnapshotView>> {
    principal.require(Permission::Read, "read units")?;
    let limit = query.limit.unwrap_or(1_000);
    if !(1..=5_000).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit must be 1 to 5,000 units per page"));
    }
    let per_unit = query.history.unwrap_or(10);
    if per_unit > 50 {
        return Err(ApiError::invalid("invalid_history", "history must be 0 to 50 events per unit"));
    }
    let tenant = &principal.tenant_id;
    let page = state.store.snapshot_page(tenant, query.after.as_deref().unwrap_or(""), i64::from(limit)).await?;
    let ids: Vec<String> = page.units.iter().map(|unit| unit.id.clone()).collect();
    let mut histories: HashMap<String, Vec<EventView>> = HashMap::new();
    if per_unit > 0 && !ids.is_empty() {
        for event in state.store.recent_events(tenant, &ids, i64::from(per_unit)).await? {
            histories.entry(event.unit_id.clone()).or_default().push(event.into());
        }
    }
    let has_more = page.units.len() == limit as usize;
    let entry = crate::store::AuditEntry::new(tenant, "snapshot.page_read", "snapshot", tenant)
        .new_value(serde_json::json!({ "after": query.after, "as_of_seq": page.head_seq, "history": per_unit }));
    super::exports::count(&state, &principal, entry, page.units.len()).await?;
    let next_after = page.units.last().map(|unit| unit.id.clone());
    let units = page
        .units
        .into_iter()
        .map(|unit| {
            let history = histories.remove(&unit.id).unwrap_or_default();
            SnapshotUnit { unit: unit.into(), history }
        })
        .collect();
    Ok(Json(SnapshotView { log_epoch: page.log_epoch, as_of_seq: page.head_seq, units, next_after, has_more }))
}
