//! `GET /audit/alerts`: what the last hour of the audit trail says someone should look at — an actor exporting
//! many serials, many failed sign-ins as one user (docs/DATA_PROTECTION.md, "Alerts"). For whoever reads the
//! trail; a tenant sees only what its own chain holds.

use super::error::ApiResult;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use super::words::thousands;
use crate::auth::Permission;
use crate::store::{now_millis, AlertRecord};
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The window the alerts look back over.
const WINDOW_MILLIS: i64 = 3_600_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_alerts))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Alert {
    /// `exports` (serials handed out, refused attempts included) or `failed_sign_ins`.
    #[schema(pattern = "^(exports|failed_sign_ins)$")]
    kind: String,
    /// Who: the entries' actor (`user:ada`, `key:erp`) for exports, the username signed in as for sign-ins.
    actor: String,
    /// Serials, or failed sign-ins, within the window.
    count: i64,
    /// The organisation's alert threshold it reached.
    threshold: i64,
    /// The window's start (RFC 3339): the alert covers from here until now.
    since: String,
    /// The alert in a sentence.
    words: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Alerts {
    /// Exports first, then failed sign-ins; the largest count first within each.
    alerts: Vec<Alert>,
}

/// The last hour's alerts from the audit trail: actors whose exports add up to the organisation's threshold
/// (`alert_exported_serials_per_hour`), users with as many failed sign-ins as `alert_failed_sign_ins_per_hour`.
/// Auditors, quality and admins.
#[utoipa::path(get, path = "/audit/alerts", tag = "audit", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = Alerts), CommonErrors))]
pub async fn audit_alerts(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<Alerts>> {
    principal.require(Permission::Audit, "read the audit trail's alerts")?;
    let tenant = &principal.tenant_id;
    let settings = state.store.export_settings(tenant).await?;
    let (exports, sign_ins) = (settings.alert_exported_serials_per_hour, settings.alert_failed_sign_ins_per_hour);
    let since = now_millis() - WINDOW_MILLIS;
    let records = state.store.export_alerts(tenant, since, exports, sign_ins).await?;
    let alerts = records
        .into_iter()
        .map(|record| {
            let threshold = if record.kind == "exports" { exports } else { sign_ins };
            let words = words(&record, threshold);
            Alert {
                kind: record.kind,
                actor: record.actor,
                count: record.count,
                threshold,
                since: rfc3339(since),
                words,
            }
        })
        .collect();
    Ok(Json(Alerts { alerts }))
}

/// "user:ada exported 123,456 serials in the last hour (alert at 100,000)."
fn words(record: &AlertRecord, threshold: i64) -> String {
    let number = |value: i64| thousands(u64::try_from(value).unwrap_or(0));
    match record.kind.as_str() {
        "exports" => format!(
            "{} exported {} serials in the last hour (alert at {}).",
            record.actor,
            number(record.count),
            number(threshold)
        ),
        _ => format!(
            "{} failed sign-ins as {} in the last hour (alert at {}).",
            number(record.count),
            record.actor,
            number(threshold)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_says_who_how_many_and_the_threshold() {
        let exports = AlertRecord { kind: "exports".into(), actor: "user:ada".into(), count: 123_456 };
        assert_eq!(words(&exports, 100_000), "user:ada exported 123,456 serials in the last hour (alert at 100,000).");
        let sign_ins = AlertRecord { kind: "failed_sign_ins".into(), actor: "ada".into(), count: 12 };
        assert_eq!(words(&sign_ins, 10), "12 failed sign-ins as ada in the last hour (alert at 10).");
    }
}
