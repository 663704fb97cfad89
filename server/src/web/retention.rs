//! Retention (docs/RETENTION.md): the organisation's default policy, legal holds, the dry run and runs.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::domain::outbox::{retention_job, RETENTION};
use crate::domain::retention::{self, Plan, RunOutcome};
use crate::store::{HoldRecord, JobRecord, NewHold};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::retention::RetentionPolicy;
use serialtrack_shared::unit::iso_date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(policy_read, policy_set))
        .routes(routes!(holds_list, hold_place))
        .routes(routes!(hold_lift))
        .routes(routes!(plan_read))
        .routes(routes!(runs_list, run_queue))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyView {
    policy: RetentionPolicy,
    /// True while the organisation has not set one: the built-in default (7 years, archived after 2, from expiry).
    is_default: bool,
}

/// The organisation's default retention policy (a product may have its own).
#[utoipa::path(get, path = "/retention/policy", tag = "retention", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PolicyView), CommonErrors))]
pub async fn policy_read(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<PolicyView>> {
    principal.require(Permission::Audit, "read the retention policy")?;
    let (policy, is_default) =
        retention::tenant_policy(state.store.retention_policy(&principal.tenant_id).await?.as_deref());
    Ok(Json(PolicyView { policy, is_default }))
}

/// Sets the organisation's default retention policy. Admins.
#[utoipa::path(put, path = "/retention/policy", tag = "retention", request_body = RetentionPolicy,
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = PolicyView), CommonErrors))]
pub async fn policy_set(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(policy): ApiJson<RetentionPolicy>,
) -> ApiResult<Json<PolicyView>> {
    principal.require(Permission::ManageRetention, "set the retention policy")?;
    policy.validate().map_err(|error| ApiError::invalid("invalid_retention", error.to_string()))?;
    let text = serde_json::to_string(&policy).unwrap_or_default();
    state.store.retention_policy_set(&principal.tenant_id, &text).await?;
    Ok(Json(PolicyView { policy, is_default: false }))
}

/// What a hold covers, as placed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
pub enum HoldScopeRequest {
    Product {
        product_id: String,
        reason: String,
    },
    Lot {
        product_id: String,
        lot: String,
        reason: String,
    },
    /// A unit by its product and serial.
    Unit {
        product_id: String,
        serial: String,
        reason: String,
    },
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HoldScopeView {
    /// `product`, `lot` or `unit`.
    scope: String,
    product_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lot: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HoldView {
    id: String,
    scope: HoldScopeView,
    reason: String,
    placed_by: String,
    placed_at: String,
    lifted_by: Option<String>,
    lifted_at: Option<String>,
    lift_reason: Option<String>,
}

impl From<HoldRecord> for HoldView {
    fn from(hold: HoldRecord) -> Self {
        Self {
            id: hold.id,
            scope: HoldScopeView {
                scope: hold.scope,
                product_id: hold.product_id,
                lot: hold.lot,
                serial: hold.serial,
                unit_id: hold.unit_id,
            },
            reason: hold.reason,
            placed_by: hold.placed_by,
            placed_at: rfc3339(hold.placed_at),
            lifted_by: hold.lifted_by,
            lifted_at: hold.lifted_at.map(rfc3339),
            lift_reason: hold.lift_reason,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HoldList {
    holds: Vec<HoldView>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HoldsQuery {
    /// Also list holds that were lifted.
    #[serde(default)]
    lifted: bool,
}

/// The organisation's legal holds, newest first.
#[utoipa::path(get, path = "/retention/holds", tag = "retention", params(HoldsQuery),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = HoldList), CommonErrors))]
pub async fn holds_list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<HoldsQuery>,
) -> ApiResult<Json<HoldList>> {
    principal.require(Permission::Audit, "read legal holds")?;
    let holds = state.store.holds(&principal.tenant_id, query.lifted).await?;
    Ok(Json(HoldList { holds: holds.into_iter().map(HoldView::from).collect() }))
}

/// A reason as given, trimmed, or what to change.
fn reason(text: &str) -> ApiResult<String> {
    let text = text.trim();
    match text.chars().count() {
        1..=500 => Ok(text.to_owned()),
        _ => Err(ApiError::invalid("invalid_reason", "give the reason in 1 to 500 characters")),
    }
}

/// Places a legal hold on a product, a lot or a unit: its histories are neither archived nor purged until it
/// is lifted. Quality and admins.
#[utoipa::path(post, path = "/retention/holds", tag = "retention", request_body = HoldScopeRequest,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = HoldView), CommonErrors))]
pub async fn hold_place(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<HoldScopeRequest>,
) -> ApiResult<(StatusCode, Json<HoldView>)> {
    principal.require(Permission::PlaceHolds, "place legal holds")?;
    let tenant_id = principal.tenant_id.clone();
    let (scope, product_id, lot, serial, why) = match request {
        HoldScopeRequest::Product { product_id, reason } => ("product", product_id, None, None, reason),
        HoldScopeRequest::Lot { product_id, lot, reason } => ("lot", product_id, Some(lot), None, reason),
        HoldScopeRequest::Unit { product_id, serial, reason } => ("unit", product_id, None, Some(serial), reason),
    };
    let reason = reason(&why)?;
    let product = state.store.product(&tenant_id, &product_id).await?;
    let product = product.ok_or_else(|| ApiError::NotFound("a product with this id".into()))?;
    let lot = lot.map(|lot| lot.trim().to_owned());
    if lot.as_deref().is_some_and(str::is_empty) {
        return Err(ApiError::invalid("invalid_lot", "name the lot to hold"));
    }
    let serial = serial.map(|serial| serial.trim().to_owned());
    let unit_id = match &serial {
        Some(serial) => {
            let unit = state.store.unit_by_serial(&tenant_id, &product.id, serial).await?;
            let unit =
                unit.ok_or_else(|| ApiError::NotFound(format!("a unit of {} with serial {serial}", product.code)))?;
            Some(unit.id)
        }
        None => None,
    };
    let hold = NewHold { tenant_id, scope: scope.into(), product_id: product.id, lot, unit_id, serial, reason };
    let record = state.store.hold_place(hold).await?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldLift {
    /// Why the hold ends (1 to 500 characters).
    reason: String,
}

/// Lifts a standing legal hold. Quality and admins.
#[utoipa::path(post, path = "/retention/holds/{hold_id}/lift", tag = "retention", params(("hold_id" = String, Path)),
    request_body = HoldLift, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = HoldView), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn hold_lift(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(hold_id): ApiPath<String>,
    ApiJson(lift): ApiJson<HoldLift>,
) -> ApiResult<Json<HoldView>> {
    principal.require(Permission::PlaceHolds, "lift legal holds")?;
    let reason = reason(&lift.reason)?;
    match state.store.hold_lift(&principal.tenant_id, &hold_id, &reason).await? {
        None => Err(ApiError::NotFound("a legal hold with this id".into())),
        Some(Err(_)) => Err(ApiError::Conflict { code: "hold_lifted", message: "this hold was lifted already".into() }),
        Some(Ok(hold)) => Ok(Json(hold.into())),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    /// The day to plan for, `YYYY-MM-DD` (today by default): what a run on that day would do.
    #[param(value_type = Option<String>, format = Date)]
    on: Option<String>,
}

/// The dry run: how many units of each product are hot, archived and purged, and what a run on the day would
/// archive, purge or keep because of a hold. Changes nothing.
#[utoipa::path(get, path = "/retention/plan", tag = "retention", params(PlanQuery),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = Plan), CommonErrors))]
pub async fn plan_read(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PlanQuery>,
) -> ApiResult<Json<Plan>> {
    principal.require(Permission::Audit, "read the retention plan")?;
    let on = match query.on.as_deref() {
        None | Some("") => state.clock.today(),
        Some(text) => iso_date::parse(text).ok_or_else(|| {
            ApiError::bad_request("invalid_date", format!("give the day as YYYY-MM-DD, not {text:?}"))
        })?,
    };
    Ok(Json(retention::plan(state.store.as_ref(), &principal.tenant_id, on).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunView {
    id: String,
    /// `queued`, `running`, `done` or `failed`.
    state: String,
    queued_by: String,
    queued_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    #[serde(flatten)]
    outcome: RunOutcome,
    error: Option<String>,
}

impl From<JobRecord> for RunView {
    fn from(job: JobRecord) -> Self {
        let outcome = job.result.as_deref().and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default();
        Self {
            id: job.id,
            state: job.state,
            queued_by: job.queued_by,
            queued_at: rfc3339(job.queued_at),
            started_at: job.started_at.map(rfc3339),
            finished_at: job.finished_at.map(rfc3339),
            outcome,
            error: job.error,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunList {
    runs: Vec<RunView>,
}

/// The organisation's last 20 retention runs, newest first (one a day, and those asked for).
#[utoipa::path(get, path = "/retention/runs", tag = "retention", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = RunList), CommonErrors))]
pub async fn runs_list(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<RunList>> {
    principal.require(Permission::Audit, "read retention runs")?;
    let runs = state.store.jobs(&principal.tenant_id, RETENTION, 20).await?;
    Ok(Json(RunList { runs: runs.into_iter().map(RunView::from).collect() }))
}

/// Queues a retention run now (the server also runs one a day by itself). A run already queued or running
/// is answered as it is, with 200. Admins.
#[utoipa::path(post, path = "/retention/runs", tag = "retention", security(("session" = []), ("api_key" = [])),
    responses((status = 202, body = RunView), (status = 200, body = RunView), CommonErrors))]
pub async fn run_queue(State(state): State<AppState>, principal: Principal) -> ApiResult<(StatusCode, Json<RunView>)> {
    principal.require(Permission::ManageRetention, "start a retention run")?;
    let latest = state.store.jobs(&principal.tenant_id, RETENTION, 5).await?;
    if let Some(waiting) = latest.into_iter().find(|job| job.state == "queued" || job.state == "running") {
        return Ok((StatusCode::OK, Json(waiting.into())));
    }
    let (job, _) = state.store.job_enqueue(retention_job(&principal.tenant_id, &state.clock, false), true).await?;
    state.outbox_wake.notify_one();
    Ok((StatusCode::ACCEPTED, Json(job.into())))
}
