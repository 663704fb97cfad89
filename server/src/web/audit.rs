//! The audit trail for auditors (docs/AUDIT.md): the organisation's entries with filters, their CSV export
//! (itself an entry) and the chain's check. Only roles with the audit permission; a tenant sees only its own
//! chain.

use super::error::{ApiError, ApiResult};
use super::extract::ApiQuery;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::spreadsheet::safe_cell;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::domain::audit_verify::{verify, Trust, VerifyReport};
use crate::store::{AuditEntry, AuditFilter, AuditRecord};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most entries one CSV export holds; `X-Next-After` says where the next one starts.
const EXPORT_LIMIT: i64 = 100_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_list)).routes(routes!(audit_export)).routes(routes!(audit_verify))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Who: `user:ada`, `key:line-1`, `system`, `anonymous`, `tenant:<id>`.
    actor: Option<String>,
    /// The object's kind: `unit`, `product`, `pool_action`, `order`, `user`, `api_key`, `partnership`,
    /// `device`, `location`, `tenant`, `op`, `audit`, `log`.
    object_kind: Option<String>,
    /// The object's id.
    object_id: Option<String>,
    /// What happened, e.g. `unit.command`, `session.sign_in_failed`, `audit.exported`.
    kind: Option<String>,
    /// Entries at or after this server time (RFC 3339).
    from: Option<String>,
    /// Entries before this server time (RFC 3339).
    to: Option<String>,
    /// Entries with a seq greater than this (default 0).
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    after: Option<u64>,
    /// At most this many (1–500, default 100; the CSV export 1–100,000, default 100,000).
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    limit: Option<u32>,
}

impl AuditQuery {
    fn filter(&self, default_limit: i64, most: i64) -> ApiResult<AuditFilter> {
        Ok(AuditFilter {
            actor: self.actor.clone(),
            object_kind: self.object_kind.clone(),
            object_id: self.object_id.clone(),
            action: self.kind.clone(),
            from: self.from.as_deref().map(|text| millis("from", text)).transpose()?,
            to: self.to.as_deref().map(|text| millis("to", text)).transpose()?,
            after: i64::try_from(self.after.unwrap_or(0)).unwrap_or(i64::MAX),
            limit: self.limit.map_or(default_limit, |limit| i64::from(limit).clamp(1, most)),
        })
    }
}

fn millis(name: &str, text: &str) -> ApiResult<i64> {
    let time = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(|_| {
        ApiError::bad_request("invalid_query", format!("{name} should be an RFC 3339 time, e.g. 2026-11-23T06:50:00Z"))
    })?;
    Ok((time.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// One audit entry as the auditor sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    seq: i64,
    /// Server time.
    at: String,
    /// The device's clock when the change was made offline.
    client_time: Option<String>,
    /// What happened (absent after a purge).
    kind: Option<String>,
    actor: Option<String>,
    /// The actor's organisation when it is not this one (a brand owner assigning into a partner's pool).
    actor_tenant: Option<String>,
    device_id: Option<String>,
    object_kind: Option<String>,
    object_id: Option<String>,
    /// The fields that changed, as they were.
    #[schema(value_type = Option<Object>)]
    old_value: Option<Box<RawValue>>,
    /// The fields that changed, as they are now.
    #[schema(value_type = Option<Object>)]
    new_value: Option<Box<RawValue>>,
    reason: Option<String>,
    /// Whether a purge cleared the fields (the hashes stay).
    purged: bool,
    /// The archive segment that holds the fields, while the entry is archived (docs/RETENTION.md).
    archived_in: Option<String>,
    payload_hash: String,
    prev_hash: String,
    hash: String,
}

fn raw(text: Option<String>) -> Option<Box<RawValue>> {
    text.and_then(|text| RawValue::from_string(text).ok())
}

impl From<AuditRecord> for AuditEntryView {
    fn from(record: AuditRecord) -> Self {
        Self {
            seq: record.seq,
            at: rfc3339(record.at),
            client_time: record.client_time.map(rfc3339),
            kind: record.action,
            actor: record.actor,
            actor_tenant: record.actor_tenant,
            device_id: record.device_id,
            object_kind: record.object_kind,
            object_id: record.object_id,
            old_value: raw(record.old_value),
            new_value: raw(record.new_value),
            reason: record.reason,
            purged: record.purged_at.is_some(),
            archived_in: record.archived_in,
            payload_hash: record.payload_hash,
            prev_hash: record.prev_hash,
            hash: record.hash,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    entries: Vec<AuditEntryView>,
    /// Pass as `after` for the next page.
    next_after: i64,
    /// The chain's last seq.
    head_seq: i64,
    /// Whether entries matching the filters may follow.
    has_more: bool,
}

/// The organisation's audit entries in seq order, filtered by who, object, kind and period.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = AuditPage), CommonErrors))]
pub async fn audit_list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    principal.require(Permission::Audit, "read the audit trail")?;
    let filter = query.filter(100, 500)?;
    let tenant = &principal.tenant_id;
    let head_seq = state.store.audit_head(tenant).await?.map_or(0, |head| head.seq);
    let entries = state.store.audit_entries(tenant, &filter).await?;
    let full = entries.len() as i64 == filter.limit;
    let next_after = entries.last().map_or(filter.after.min(head_seq), |entry| entry.seq);
    Ok(Json(AuditPage {
        has_more: full && next_after < head_seq,
        next_after,
        head_seq,
        entries: entries.into_iter().map(AuditEntryView::from).collect(),
    }))
}

const CSV_HEADER: [&str; 16] = [
    "seq",
    "at",
    "client_time",
    "kind",
    "actor",
    "actor_tenant",
    "device_id",
    "object_kind",
    "object_id",
    "old_value",
    "new_value",
    "reason",
    "purged",
    "payload_hash",
    "prev_hash",
    "hash",
];

/// The entries matching the filters as CSV (at most 100,000; `X-Next-After` then says where the next export
/// starts). The export is itself an audit entry.
#[utoipa::path(get, path = "/audit/export.csv", tag = "audit", params(AuditQuery),
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, content_type = "text/csv", description = "One row per entry, the columns of an entry"),
        CommonErrors))]
pub async fn audit_export(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Response> {
    principal.require(Permission::Audit, "export the audit trail")?;
    let filter = query.filter(EXPORT_LIMIT, EXPORT_LIMIT)?;
    let tenant = &principal.tenant_id;
    let entries = state.store.audit_entries(tenant, &filter).await?;
    let next_after = (entries.len() as i64 == filter.limit).then(|| entries.last().map(|entry| entry.seq)).flatten();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |error: csv::Error| ApiError::Internal(format!("writing the audit CSV: {error}"));
    writer.write_record(CSV_HEADER).map_err(csv_error)?;
    let rows = entries.len();
    for entry in entries {
        let cells = [
            entry.seq.to_string(),
            rfc3339(entry.at),
            entry.client_time.map(rfc3339).unwrap_or_default(),
            entry.action.unwrap_or_default(),
            entry.actor.unwrap_or_default(),
            entry.actor_tenant.unwrap_or_default(),
            entry.device_id.unwrap_or_default(),
            entry.object_kind.unwrap_or_default(),
            entry.object_id.unwrap_or_default(),
            entry.old_value.unwrap_or_default(),
            entry.new_value.unwrap_or_default(),
            entry.reason.unwrap_or_default(),
            entry.purged_at.is_some().to_string(),
            entry.payload_hash,
            entry.prev_hash,
            entry.hash,
        ];
        writer.write_record(cells.iter().map(|cell| safe_cell(cell).into_owned())).map_err(csv_error)?;
    }
    let body = writer.into_inner().map_err(|error| ApiError::Internal(error.to_string()))?;
    let filters = serde_json::json!({
        "actor": query.actor, "object_kind": query.object_kind, "object_id": query.object_id, "kind": query.kind,
        "from": query.from, "to": query.to, "after": filter.after, "limit": filter.limit,
    });
    let entry = AuditEntry::new(tenant, "audit.exported", "audit", tenant)
        .new_value(serde_json::json!({ "filters": filters, "rows": rows }));
    state.store.audit_record(entry).await?;
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit-trail.csv\"".to_owned()),
        ],
        body,
    )
        .into_response();
    if let Some(value) = next_after.and_then(|seq| seq.to_string().parse().ok()) {
        response.headers_mut().insert("x-next-after", value);
    }
    Ok(response)
}

/// Checks the organisation's chain from the database alone and against its signed checkpoints: the first
/// entry edited, deleted, inserted or reordered, in words (`serialtrack audit verify` does the same).
#[utoipa::path(get, path = "/audit/verify", tag = "audit", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = VerifyReport), CommonErrors))]
pub async fn audit_verify(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<VerifyReport>> {
    principal.require(Permission::Audit, "verify the audit trail")?;
    let trust = Trust { public_key: state.audit_public_key.clone(), exported: Vec::new() };
    Ok(Json(verify(state.store.as_ref(), Some(vec![principal.tenant_id.clone()]), &trust).await?))
}
