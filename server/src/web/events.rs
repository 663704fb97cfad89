//! The tenant's event log, read in seq order from a cursor: how clients and partner systems follow along.

use super::error::ApiResult;
use super::extract::ApiQuery;
use super::openapi::{CommonErrors, ExportCeiling};
use super::principal::Principal;
use super::state::AppState;
use super::views::EventView;
use crate::auth::Permission;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events_list))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Events with a seq greater than this (default 0: from the start).
    #[param(minimum = 0, maximum = 18_446_744_073_709_551_615_u64)]
    after: Option<u64>,
    /// At most this many (1–500, default 500; 0 is taken as 1, more as 500).
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    /// Changes when the log is restored or rebuilt: a client holding another epoch starts over.
    log_epoch: String,
    events: Vec<EventView>,
    /// Pass as `after` for the next page.
    next_after: i64,
    /// The tenant's latest seq.
    head_seq: i64,
    has_more: bool,
}

/// The tenant's events after a seq, ascending, at most 500 a page. A page with more behind it counts the units
/// it names against the caller's export ceiling of the day; the page that reaches the head counts nothing
/// (docs/DATA_PROTECTION.md).
#[utoipa::path(get, path = "/events", tag = "events", params(EventsQuery),
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = EventPage), CommonErrors, ExportCeiling))]
pub async fn events_list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> ApiResult<Json<EventPage>> {
    principal.require(Permission::Read, "read events")?;
    let tenant = state.store.tenant(&principal.tenant_id).await?;
    let tenant = tenant.ok_or(super::ApiError::Unauthenticated)?;
    let after = i64::try_from(query.after.unwrap_or(0)).unwrap_or(i64::MAX);
    let limit = i64::from(query.limit.unwrap_or(500).clamp(1, 500));
    let events = state.store.events_since(&tenant.id, after, limit).await?;
    let next_after = events.last().map_or(after.min(tenant.last_seq), |event| event.seq);
    let has_more = next_after < tenant.last_seq;
    super::exports::count_log_page(&state, &principal, after, &events, has_more, None).await?;
    Ok(Json(EventPage {
        log_epoch: tenant.log_epoch,
        has_more,
        head_seq: tenant.last_seq,
        next_after,
        events: events.into_iter().map(EventView::from).collect(),
    }))
}
