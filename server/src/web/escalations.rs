//! Escalations: a person hands a refused change from the device's "needs attention" inbox to a supervisor,
//! who sees it with what the device sent and what the server had, and settles it (docs/SYNC.md, "Conflicts").

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::store::EscalationRecord;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(escalations_create, escalations_list)).routes(routes!(escalations_settle))
}

/// At most this many characters in a note.
const MAX_NOTE: usize = 1_000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationCreate {
    /// The refused op's id, as the push answered it.
    #[schema(schema_with = serialtrack_shared::openapi::uuid)]
    op_id: String,
    /// What the supervisor should know (up to 1,000 characters).
    #[schema(max_length = 1_000)]
    note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationSettle {
    /// What was decided (1 to 1,000 characters).
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    note: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EscalationQuery {
    /// `open` (default) or `all`.
    #[param(schema_with = escalation_states)]
    state: Option<String>,
    /// At most this many (1–500, default 100; more is taken as 500).
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    limit: Option<u32>,
}

/// The values `state` takes.
fn escalation_states() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["open", "all"]))
        .default(Some("open".into()))
        .build()
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Escalation {
    op_id: String,
    /// The unit: product code and serial.
    product: String,
    serial: String,
    /// Who did it on the device, and when the device's clock said it was.
    actor: String,
    /// The device that recorded it; empty for a command sent straight to `POST /units/{unit_id}/commands`
    /// without one.
    device_id: String,
    /// RFC 3339; for a command sent straight to the API, when the server received it.
    client_time: String,
    /// The command as the device recorded it.
    #[schema(value_type = Object)]
    command: serde_json::Value,
    refusal_code: String,
    refusal: String,
    /// Who changed the unit last on the server, when, from which device (shared `LastChange`).
    #[schema(value_type = Option<Object>)]
    server_had: Option<serde_json::Value>,
    refused_at: String,
    escalated_by: String,
    escalated_at: String,
    note: Option<String>,
    settled_by: Option<String>,
    settled_at: Option<String>,
    settle_note: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Escalations {
    escalations: Vec<Escalation>,
}

/// A refused op as stored: a device's `PendingOp` from a push, or a command sent to
/// `POST /units/{unit_id}/commands` (`web/unit_commands.rs` writes the same fields, `device_id` may be missing).
/// Read field by field and leniently, so that no stored row, however old, can stop the supervisors' list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredRefusal {
    command: serde_json::Value,
    device_id: Option<String>,
    client_time: Option<String>,
    actor: StoredActor,
    unit: StoredUnitKey,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredActor {
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredUnitKey {
    product: StoredProductCode,
    serial: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredProductCode {
    code: String,
}

impl From<EscalationRecord> for Escalation {
    fn from(record: EscalationRecord) -> Self {
        let op: StoredRefusal = serde_json::from_str(&record.payload).unwrap_or_else(|error| {
            tracing::warn!(op.id = %record.op_id, %error, "a stored refused op does not read back; shown as far as it reads");
            StoredRefusal::default()
        });
        Self {
            op_id: record.op_id,
            product: op.unit.product.code,
            serial: op.unit.serial,
            actor: op.actor.name,
            device_id: op.device_id.unwrap_or_default(),
            client_time: op.client_time.unwrap_or_default(),
            command: op.command,
            refusal_code: record.reason_code.unwrap_or_default(),
            refusal: record.reason_message.unwrap_or_default(),
            server_had: record.last_change.as_deref().and_then(|text| serde_json::from_str(text).ok()),
            refused_at: rfc3339(record.refused_at),
            escalated_by: record.escalated_by,
            escalated_at: rfc3339(record.escalated_at),
            note: record.note,
            settled_by: record.settled_by,
            settled_at: record.settled_at.map(rfc3339),
            settle_note: record.settle_note,
        }
    }
}

fn checked_note(note: Option<String>, required: bool) -> ApiResult<Option<String>> {
    let note = note.map(|note| note.trim().to_owned()).filter(|note| !note.is_empty());
    match note {
        None if required => Err(ApiError::invalid("invalid_note", "say what was decided in 1 to 1,000 characters")),
        Some(note) if note.chars().count() > MAX_NOTE => {
            Err(ApiError::invalid("invalid_note", "a note has at most 1,000 characters: shorten it"))
        }
        note => Ok(note),
    }
}

fn not_refused() -> ApiError {
    ApiError::NotFound("a refused change with this op_id (only refused changes can be escalated)".into())
}

/// Escalates a refused change to the supervisors. Escalating it again answers the same escalation.
#[utoipa::path(post, path = "/sync/escalations", tag = "sync", request_body = EscalationCreate,
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Escalation), (status = 404, body = ErrorBody), CommonErrors))]
pub async fn escalations_create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(create): ApiJson<EscalationCreate>,
) -> ApiResult<Json<Escalation>> {
    principal.require(Permission::ApplyCommands, "escalate a refused change")?;
    let note = checked_note(create.note, false)?;
    let record = state
        .store
        .escalate(&principal.tenant_id, create.op_id.trim(), &principal.actor(), note.as_deref())
        .await?
        .ok_or_else(not_refused)?;
    Ok(Json(record.into()))
}

/// The escalated refusals, open ones first (oldest first). Supervisors, quality and admins.
#[utoipa::path(get, path = "/sync/escalations", tag = "sync", params(EscalationQuery),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = Escalations), CommonErrors))]
pub async fn escalations_list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<EscalationQuery>,
) -> ApiResult<Json<Escalations>> {
    principal.require(Permission::SettleEscalations, "read escalated changes")?;
    let open_only = match query.state.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(_) => return Err(ApiError::invalid("invalid_state", "state is `open` or `all`")),
    };
    let limit = i64::from(query.limit.unwrap_or(100).clamp(1, 500));
    let records = state.store.escalations(&principal.tenant_id, open_only, limit).await?;
    let escalations = records.into_iter().map(Escalation::from).collect();
    Ok(Json(Escalations { escalations }))
}

/// Settles an escalation with what was decided. Supervisors, quality and admins.
#[utoipa::path(post, path = "/sync/escalations/{op_id}/settle", tag = "sync", params(("op_id" = String, Path)),
    request_body = EscalationSettle, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Escalation), (status = 404, body = ErrorBody), CommonErrors))]
pub async fn escalations_settle(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(op_id): ApiPath<String>,
    ApiJson(settle): ApiJson<EscalationSettle>,
) -> ApiResult<Json<Escalation>> {
    principal.require(Permission::SettleEscalations, "settle escalated changes")?;
    let note = checked_note(Some(settle.note), true)?.unwrap_or_default();
    let record = state
        .store
        .settle_escalation(&principal.tenant_id, &op_id, &principal.actor(), &note)
        .await?
        .ok_or_else(|| ApiError::NotFound("an escalation with this op_id".into()))?;
    Ok(Json(record.into()))
}
