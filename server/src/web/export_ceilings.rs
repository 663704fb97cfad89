//! `GET` and `PATCH /export_ceilings`: how many serials each role may export per UTC day, how many times an
//! order's labels may be downloaded, and the thresholds of the audit trail's alerts (docs/DATA_PROTECTION.md).
//! Those who watch over the trail read them; an admin in person changes them.

use super::error::{ApiError, ApiResult};
use super::extract::ApiJson;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::words::thousands;
use crate::auth::{Permission, Role};
use crate::store::{ExportSettings, ExportSettingsChange};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The widest daily ceiling an admin may set.
pub const MOST_SERIALS_PER_DAY: i64 = 1_000_000_000;
/// The most downloads of one order's labels an admin may allow.
const MOST_LABEL_DOWNLOADS: i64 = 1_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_ceilings_show, export_ceilings_update))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleCeiling {
    #[schema(schema_with = crate::auth::role_schema)]
    role: Role,
    /// The serials a caller of this role may export per UTC day (an API key's own ceiling comes first).
    serials_per_day: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportCeilings {
    /// One per role, in the order operator, supervisor, quality, service, auditor, admin.
    roles: Vec<RoleCeiling>,
    /// How many times one order's labels CSV may be downloaded.
    label_downloads_per_order: i64,
    /// `GET /audit/alerts` names an actor whose exports add up to this many serials within an hour.
    alert_exported_serials_per_hour: i64,
    /// `GET /audit/alerts` names a user with this many failed sign-ins within an hour.
    alert_failed_sign_ins_per_hour: i64,
}

impl From<ExportSettings> for ExportCeilings {
    fn from(settings: ExportSettings) -> Self {
        Self {
            roles: settings
                .serials_per_day
                .into_iter()
                .map(|(role, serials_per_day)| RoleCeiling { role, serials_per_day })
                .collect(),
            label_downloads_per_order: settings.label_downloads_per_order,
            alert_exported_serials_per_hour: settings.alert_exported_serials_per_hour,
            alert_failed_sign_ins_per_hour: settings.alert_failed_sign_ins_per_hour,
        }
    }
}

/// The organisation's export ceilings and alert thresholds (defaults where nothing was set: 1,000,000 serials
/// a day for every role, 3 downloads per order, alerts at 100,000 serials and 10 failed sign-ins an hour).
/// Auditors, quality and admins.
#[utoipa::path(get, path = "/export_ceilings", tag = "exports", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = ExportCeilings), CommonErrors))]
pub async fn export_ceilings_show(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<ExportCeilings>> {
    principal.require(Permission::Audit, "read the export ceilings")?;
    Ok(Json(state.store.export_settings(&principal.tenant_id).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleCeilingChange {
    #[schema(schema_with = crate::auth::role_schema)]
    role: String,
    /// 1 to 1,000,000,000 serials per UTC day.
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    serials_per_day: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportCeilingsUpdate {
    /// The roles whose ceiling changes, each once; roles left out keep theirs.
    roles: Option<Vec<RoleCeilingChange>>,
    /// 1 to 1,000 downloads of one order's labels.
    #[schema(minimum = 1, maximum = 1_000)]
    label_downloads_per_order: Option<i64>,
    /// At least 1 serial.
    #[schema(minimum = 1)]
    alert_exported_serials_per_hour: Option<i64>,
    /// At least 1 failed sign-in.
    #[schema(minimum = 1)]
    alert_failed_sign_ins_per_hour: Option<i64>,
}

impl ExportCeilingsUpdate {
    /// The change, or a 422 naming the first value out of range.
    fn change(self) -> ApiResult<ExportSettingsChange> {
        let mut serials_per_day: Vec<(Role, i64)> = Vec::new();
        for change in self.roles.unwrap_or_default() {
            let role = change.role.parse::<Role>().map_err(|why| ApiError::invalid("unknown_role", why))?;
            if serials_per_day.iter().any(|(named, _)| *named == role) {
                return Err(ApiError::invalid(
                    "invalid_roles",
                    format!("the {role} role is named twice: name each role once"),
                ));
            }
            if !(1..=MOST_SERIALS_PER_DAY).contains(&change.serials_per_day) {
                return Err(ApiError::invalid(
                    "invalid_ceiling",
                    format!(
                        "serials_per_day of the {role} role must be 1 to {}",
                        thousands(MOST_SERIALS_PER_DAY as u64)
                    ),
                ));
            }
            serials_per_day.push((role, change.serials_per_day));
        }
        if self.label_downloads_per_order.is_some_and(|downloads| !(1..=MOST_LABEL_DOWNLOADS).contains(&downloads)) {
            return Err(ApiError::invalid(
                "invalid_label_downloads",
                "label_downloads_per_order must be 1 to 1,000 downloads of one order's labels",
            ));
        }
        let thresholds = [
            ("alert_exported_serials_per_hour", self.alert_exported_serials_per_hour),
            ("alert_failed_sign_ins_per_hour", self.alert_failed_sign_ins_per_hour),
        ];
        if let Some((name, _)) = thresholds.iter().find(|(_, threshold)| threshold.is_some_and(|value| value < 1)) {
            return Err(ApiError::invalid("invalid_alert_threshold", format!("{name} must be at least 1")));
        }
        Ok(ExportSettingsChange {
            serials_per_day,
            label_downloads_per_order: self.label_downloads_per_order,
            alert_exported_serials_per_hour: self.alert_exported_serials_per_hour,
            alert_failed_sign_ins_per_hour: self.alert_failed_sign_ins_per_hour,
        })
    }
}

/// Changes any of the organisation's export ceilings and alert thresholds; takes effect with the next export.
/// Recorded as `export_ceilings.changed` with what changed. Admins signed in as themselves: a key never
/// widens what keys may export.
#[utoipa::path(patch, path = "/export_ceilings", tag = "exports", request_body = ExportCeilingsUpdate,
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = ExportCeilings), CommonErrors))]
pub async fn export_ceilings_update(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(update): ApiJson<ExportCeilingsUpdate>,
) -> ApiResult<Json<ExportCeilings>> {
    principal.require(Permission::ManageKeys, "change the export ceilings")?;
    principal.require_person("change the export ceilings")?;
    let change = update.change()?;
    Ok(Json(state.store.export_settings_change(&principal.tenant_id, &change).await?.into()))
}
