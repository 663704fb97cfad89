//! `POST /api/v1/units/{unit_id}/commands`: one command through the state machine, idempotent by `op_id`.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::stored_json::stored_json;
use super::views::EventView;
use super::views::UnitView;
use crate::auth::sign_in_limit::{self, Attempt, Purpose, Subject};
use crate::auth::Permission;
use crate::domain::units::{decide, parse_command, workflow};
use crate::store::{new_id, now_millis, OpInput, OpOutcome, OpResultRecord, ProductRecord, UnitRecord};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(units_commands))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
    /// A UUID that makes retries safe: the same op_id again answers the first answer and changes nothing.
    /// Made up by the server when left out (then a retry applies twice).
    #[schema(schema_with = serialtrack_shared::openapi::optional_uuid)]
    op_id: Option<String>,
    /// The command, e.g. `{"type": "ship", "carrier": "DHL"}` or `{"type": "add_note", "text": "…"}`; the
    /// types and their fields are the shared lifecycle's commands (see `UnitCommand` in docs/API.md).
    #[schema(value_type = serialtrack_shared::unit::UnitCommand)]
    command: serde_json::Value,
    /// A second person's approval, for transitions the product's workflow gates (e.g. releasing a unit from
    /// quarantine): that person's username and password, checked here.
    approval: Option<ApprovalRequest>,
    /// The device that recorded the command offline, and its running number there.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    device_id: Option<String>,
    #[schema(maximum = 18_446_744_073_709_551_615_u64)]
    device_seq: Option<u64>,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    username: String,
    /// Checked, never stored.
    // Never serialized, so the kept payload holds no password; `skip_serializing` would also drop it from the
    // OpenAPI document.
    #[serde(skip_serializing_if = "always")]
    #[schema(required = true)]
    password: String,
}

fn always(_: &String) -> bool {
    true
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommandAccepted {
    /// Always `accepted` (a refusal is a 409).
    outcome: String,
    op_id: String,
    /// The seq of the command's last event.
    seq: i64,
    /// The command's events (empty when answering a repeated op_id).
    events: Vec<EventView>,
    unit: UnitView,
    /// True when this op_id had been applied before and nothing changed now.
    repeated: bool,
}

/// What is kept of the command if it is refused, in the fields of a device's op (`PendingOp`) so that an
/// escalation reads both alike (`web/escalations.rs`); the approver's password is not part of it.
fn refused_payload(
    request: &CommandRequest,
    principal: &Principal,
    product: &ProductRecord,
    unit: &UnitRecord,
) -> String {
    serde_json::json!({
        "command": request.command,
        "device_id": request.device_id,
        "device_seq": request.device_seq,
        "approval": request.approval,
        "unit": { "product": { "schema": product.code_schema, "code": product.code }, "serial": unit.serial },
        "actor": { "name": principal.actor(), "role": principal.role.as_str() },
        "client_time": super::time_format::rfc3339(now_millis()),
    })
    .to_string()
}

fn refused(result: OpResultRecord, unit: UnitRecord) -> ApiError {
    let mut view = UnitView::from(unit);
    if let Some(state) = result.unit_state {
        view.state = stored_json(state);
    }
    ApiError::Refused {
        code: result.reason_code.unwrap_or_else(|| "refused".into()),
        message: result.reason_message.unwrap_or_default(),
        unit: Box::new(view),
    }
}

/// Applies a command to a unit. Accepted: the events with their seqs. Refused by the state machine or the
/// workflow: 409 with the reason code and the unit as it is; the refused command is kept.
#[utoipa::path(post, path = "/units/{unit_id}/commands", tag = "units", params(("unit_id" = String, Path)),
    request_body = CommandRequest, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = CommandAccepted),
        (status = 409, body = ErrorBody, description = "Refused: the reason code and the unit's current state"),
        (status = 429, body = ErrorBody, description = "Too many failed approvals for the approver's username"),
        CommonErrors))]
pub async fn units_commands(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(unit_id): ApiPath<String>,
    ApiJson(request): ApiJson<CommandRequest>,
) -> ApiResult<Json<CommandAccepted>> {
    principal.require(Permission::ApplyCommands, "apply commands to units")?;
    let tenant = &principal.tenant_id;
    let op_id = match request.op_id.as_deref() {
        Some(text) => uuid::Uuid::parse_str(text)
            .map_err(|_| ApiError::invalid("invalid_op_id", "op_id must be a UUID, e.g. 0b9c…-…"))?
            .to_string(),
        None => new_id(),
    };
    super::request_log::note("unit.id", &unit_id);
    super::request_log::note("op.id", &op_id);
    if let Some(device_id) = &request.device_id {
        super::request_log::note("device.id", device_id);
    }
    let device_seq = request.device_seq.map(|seq| i64::try_from(seq).unwrap_or(i64::MAX));
    let command = parse_command(request.command.clone())
        .map_err(|error| ApiError::invalid("invalid_command", error.to_string()))?;
    let unit =
        state.store.unit(tenant, &unit_id).await?.ok_or_else(|| ApiError::NotFound("a unit with this id".into()))?;
    let product = state.store.product(tenant, &unit.product_id).await?;
    let product = product.ok_or_else(|| ApiError::Internal("a unit without its product".into()))?;
    let payload = refused_payload(&request, &principal, &product, &unit);
    let workflow = workflow(&product).map_err(|error| ApiError::Internal(error.to_string()))?;
    let approval = match &request.approval {
        Some(approval) => Some(check_approval(&state, &principal, approval).await?),
        None => None,
    };
    let caller = principal.caller(request.device_id.clone(), approval);
    let op_uuid = uuid::Uuid::parse_str(&op_id).map_err(|error| ApiError::Internal(error.to_string()))?;
    let op = OpInput {
        op_id: op_id.clone(),
        unit_id: unit.id.clone(),
        actor: principal.actor(),
        device_id: request.device_id.clone(),
        device_seq,
        payload,
    };
    let now = time::OffsetDateTime::now_utc();
    let decide = |current: &UnitRecord| decide(current, &command, &caller, &workflow, op_uuid, now);
    let outcome = state.store.unit_apply(tenant, op, &decide).await?;
    if matches!(outcome, OpOutcome::Accepted { .. }) {
        state.pokes.poke(tenant);
    }
    match outcome {
        OpOutcome::Accepted { events, unit } => Ok(Json(CommandAccepted {
            outcome: "accepted".into(),
            op_id,
            seq: unit.last_seq,
            events: events.into_iter().map(EventView::from).collect(),
            unit: unit.into(),
            repeated: false,
        })),
        OpOutcome::Refused { result, unit } => Err(refused(result, *unit)),
        OpOutcome::Repeated { result } => {
            let unit = state.store.unit(tenant, &unit_id).await?.ok_or_else(|| ApiError::NotFound("a unit".into()))?;
            match result.seq {
                Some(seq) if result.outcome == "accepted" => Ok(Json(CommandAccepted {
                    outcome: "accepted".into(),
                    op_id,
                    seq,
                    events: Vec::new(),
                    unit: unit.into(),
                    repeated: true,
                })),
                _ => Err(refused(result, unit)),
            }
        }
    }
}

/// Checks the approver's credentials: another person of the same tenant, signing with their own password.
/// Failures count against the approver's name for approvals (never against signing in, so a colleague cannot
/// keep a supervisor from signing in) and against the caller; a username of another tenant answers like a
/// wrong password and counts against the caller alone (`auth::sign_in_limit`).
async fn check_approval(
    state: &AppState,
    principal: &Principal,
    approval: &ApprovalRequest,
) -> ApiResult<serialtrack_shared::unit::Approval> {
    let store = state.store.as_ref();
    let now = now_millis();
    let user = state.store.user_by_username(&approval.username).await?;
    let user = user.filter(|user| user.tenant_id == principal.tenant_id);
    let mut subjects = vec![Subject::Caller(principal.id.clone())];
    if user.is_some() {
        subjects.push(Subject::Approver(approval.username.clone()));
    }
    let purpose = Purpose::Approval { username: &approval.username, tenant_id: &principal.tenant_id };
    let user =
        match sign_in_limit::attempt(store, &subjects, user, &approval.password, state.password_cost, now, purpose)
            .await?
        {
            Attempt::Wait(wait) => return Err(ApiError::TooManyAttempts(wait)),
            Attempt::Wrong => {
                return Err(ApiError::invalid("invalid_approval", "the approver's username or password is wrong"))
            }
            Attempt::Disabled => {
                return Err(ApiError::invalid("invalid_approval", "the approver's account is disabled"))
            }
            Attempt::Right(user) => user,
        };
    let role = user.role.parse().map_err(ApiError::Internal)?;
    Ok(serialtrack_shared::unit::Approval { by: format!("user:{}", user.username), role })
}
