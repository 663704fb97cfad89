//! Exports of serials (docs/DATA_PROTECTION.md): each caller's tally of the UTC day that its ceiling bounds,
//! the tenant's export settings, and the figures of the alerts read off the audit trail.

use super::{AuditEntry, StoreError};
use serialtrack_shared::unit::Role;

/// The serials a role may export per UTC day where its tenant set nothing.
pub const DEFAULT_SERIALS_PER_DAY: i64 = 1_000_000;
/// How many times an order's labels may be downloaded where its tenant set nothing.
pub const DEFAULT_LABEL_DOWNLOADS_PER_ORDER: i64 = 3;
/// An actor exporting this many serials within an hour is an alert, where its tenant set nothing.
pub const DEFAULT_ALERT_EXPORTED_SERIALS_PER_HOUR: i64 = 100_000;
/// This many failed sign-ins as one user within an hour is an alert, where its tenant set nothing.
pub const DEFAULT_ALERT_FAILED_SIGN_INS_PER_HOUR: i64 = 10;

/// The kinds of audit entry that hand serials out, each with `serials` in its new value: what the exports
/// alert adds up. A refused export counts too: someone tried.
pub const EXPORT_KINDS: [&str; 7] = [
    "labels.downloaded",
    "snapshot.page_read",
    "order.serials_read",
    "pool.partner_serials_read",
    "pool.extra_read",
    "events.page_read",
    "export.refused",
];

/// A tenant's export settings, its defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSettings {
    /// The serials each role may export per UTC day, in [`Role::ALL`] order.
    pub serials_per_day: Vec<(Role, i64)>,
    pub label_downloads_per_order: i64,
    pub alert_exported_serials_per_hour: i64,
    pub alert_failed_sign_ins_per_hour: i64,
}

impl Default for ExportSettings {
    fn default() -> Self {
        Self {
            serials_per_day: Role::ALL.map(|role| (role, DEFAULT_SERIALS_PER_DAY)).to_vec(),
            label_downloads_per_order: DEFAULT_LABEL_DOWNLOADS_PER_ORDER,
            alert_exported_serials_per_hour: DEFAULT_ALERT_EXPORTED_SERIALS_PER_HOUR,
            alert_failed_sign_ins_per_hour: DEFAULT_ALERT_FAILED_SIGN_INS_PER_HOUR,
        }
    }
}

impl ExportSettings {
    /// The defaults overlaid with what the tenant stored (a role's row, a column that is not NULL).
    pub fn from_stored(ceilings: &[(String, i64)], stored: Option<StoredSettings>) -> Self {
        let mut settings = Self::default();
        for (role, serials) in &mut settings.serials_per_day {
            if let Some((_, set)) = ceilings.iter().find(|(name, _)| name == role.as_str()) {
                *serials = *set;
            }
        }
        if let Some(stored) = stored {
            settings.label_downloads_per_order =
                stored.label_downloads_per_order.unwrap_or(settings.label_downloads_per_order);
            settings.alert_exported_serials_per_hour =
                stored.alert_exported_serials_per_hour.unwrap_or(settings.alert_exported_serials_per_hour);
            settings.alert_failed_sign_ins_per_hour =
                stored.alert_failed_sign_ins_per_hour.unwrap_or(settings.alert_failed_sign_ins_per_hour);
        }
        settings
    }

    /// The settings with a change applied.
    pub fn changed(&self, change: &ExportSettingsChange) -> Self {
        let mut settings = self.clone();
        for (role, serials) in &mut settings.serials_per_day {
            if let Some((_, new)) = change.serials_per_day.iter().find(|(changed, _)| changed == role) {
                *serials = *new;
            }
        }
        settings.label_downloads_per_order = change.label_downloads_per_order.unwrap_or(self.label_downloads_per_order);
        settings.alert_exported_serials_per_hour =
            change.alert_exported_serials_per_hour.unwrap_or(self.alert_exported_serials_per_hour);
        settings.alert_failed_sign_ins_per_hour =
            change.alert_failed_sign_ins_per_hour.unwrap_or(self.alert_failed_sign_ins_per_hour);
        settings
    }

    /// Of two settings, what differs, as (it was, it is): the audit entry of a change. Roles are under
    /// `roles`, by name.
    pub fn differences(&self, after: &Self) -> (serde_json::Value, serde_json::Value) {
        let (mut old, mut new) = (serde_json::Map::new(), serde_json::Map::new());
        let (mut old_roles, mut new_roles) = (serde_json::Map::new(), serde_json::Map::new());
        for ((role, was), (_, is)) in self.serials_per_day.iter().zip(&after.serials_per_day) {
            if was != is {
                old_roles.insert(role.as_str().into(), (*was).into());
                new_roles.insert(role.as_str().into(), (*is).into());
            }
        }
        if !new_roles.is_empty() {
            old.insert("roles".into(), old_roles.into());
            new.insert("roles".into(), new_roles.into());
        }
        let scalars = [
            ("label_downloads_per_order", self.label_downloads_per_order, after.label_downloads_per_order),
            (
                "alert_exported_serials_per_hour",
                self.alert_exported_serials_per_hour,
                after.alert_exported_serials_per_hour,
            ),
            (
                "alert_failed_sign_ins_per_hour",
                self.alert_failed_sign_ins_per_hour,
                after.alert_failed_sign_ins_per_hour,
            ),
        ];
        for (name, was, is) in scalars {
            if was != is {
                old.insert(name.into(), was.into());
                new.insert(name.into(), is.into());
            }
        }
        (old.into(), new.into())
    }
}

/// The columns of a tenant's `export_settings` row (NULL: the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSettings {
    pub label_downloads_per_order: Option<i64>,
    pub alert_exported_serials_per_hour: Option<i64>,
    pub alert_failed_sign_ins_per_hour: Option<i64>,
}

/// What an admin changes; `None` and roles left out stay as they are. Validated before it gets here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSettingsChange {
    pub serials_per_day: Vec<(Role, i64)>,
    pub label_downloads_per_order: Option<i64>,
    pub alert_exported_serials_per_hour: Option<i64>,
    pub alert_failed_sign_ins_per_hour: Option<i64>,
}

/// Whose tally of the day an export adds to, and which ceiling bounds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub tenant_id: String,
    /// `key:<api key id>` or `user:<user id>`.
    pub subject: String,
    /// The caller's role, whose ceiling applies unless the key has its own.
    pub role: Role,
    /// The caller's API key: its own ceiling comes first.
    pub key_id: Option<String>,
    /// The UTC day, in days since 1970-01-01.
    pub day: i64,
}

/// An export about to be handed out: how many serials, and, for an order's labels, the order whose downloads
/// it uses up one of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub tally: Tally,
    pub serials: i64,
    pub labels_of_order: Option<String>,
}

/// Why an export was refused: nothing of it was handed out, and `export.refused` records the attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportRefusal {
    /// The caller's tally of the day plus this export would pass its ceiling.
    CeilingReached {
        exported_today: i64,
        ceiling: i64,
        asked: i64,
        /// Whether the ceiling is the API key's own (otherwise its role's).
        keys_own: bool,
    },
    /// The order's labels were downloaded as many times as the tenant allows.
    LabelDownloadsUsedUp { downloads: i64, allowed: i64 },
}

impl ExportRefusal {
    /// The `export.refused` entry of a refused export whose entry would have been `entry`: what was asked
    /// (the export's kind and serials) and what stopped it.
    pub fn entry(&self, entry: &AuditEntry) -> AuditEntry {
        let mut value = match *self {
            Self::CeilingReached { exported_today, ceiling, keys_own, .. } => serde_json::json!({
                "code": "export_ceiling_reached", "ceiling": ceiling, "exported_today": exported_today,
                "ceiling_of": if keys_own { "api_key" } else { "role" },
            }),
            Self::LabelDownloadsUsedUp { downloads, allowed } => serde_json::json!({
                "code": "label_downloads_used_up", "downloads": downloads, "downloads_allowed": allowed,
            }),
        };
        value["export"] = entry.action.clone().into();
        let asked = entry.new_value.as_deref().and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
        value["serials"] = asked.and_then(|asked| asked.get("serials").cloned()).unwrap_or(0.into());
        AuditEntry {
            action: "export.refused".into(),
            old_value: None,
            new_value: Some(value.to_string()),
            ..entry.clone()
        }
    }
}

/// One alert's figures: who, and how many in the window.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AlertRecord {
    /// `exports` or `failed_sign_ins`.
    pub kind: String,
    /// The entries' actor (`user:ada`, `key:erp`), or the username signed in as.
    pub actor: String,
    pub count: i64,
}

#[async_trait::async_trait]
pub trait ExportStore {
    /// The tenant's export settings, defaults filled in.
    async fn export_settings(&self, tenant_id: &str) -> Result<ExportSettings, StoreError>;
    /// Changes them and records `export_ceilings.changed` with what changed (nothing changed: no entry), in
    /// one transaction; answers the settings as they are now.
    async fn export_settings_change(
        &self,
        tenant_id: &str,
        change: &ExportSettingsChange,
    ) -> Result<ExportSettings, StoreError>;
    /// In one transaction: counts the export against the caller's ceiling of the day (and the order's label
    /// downloads) and appends `entry`; or, refused, appends `export.refused` instead and counts nothing.
    async fn export_record(&self, export: &Export, entry: AuditEntry) -> Result<Result<(), ExportRefusal>, StoreError>;
    /// Actors whose export entries at `since` or later add up to `exports_at_least` serials, and users with
    /// `sign_ins_at_least` failed sign-ins since then: the last hour's alerts, most first within each kind.
    async fn export_alerts(
        &self,
        tenant_id: &str,
        since: i64,
        exports_at_least: i64,
        sign_ins_at_least: i64,
    ) -> Result<Vec<AlertRecord>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_tenant_stored_overlays_the_defaults() {
        let stored = StoredSettings {
            label_downloads_per_order: Some(5),
            alert_exported_serials_per_hour: None,
            alert_failed_sign_ins_per_hour: Some(3),
        };
        let settings = ExportSettings::from_stored(&[("operator".into(), 5_000)], Some(stored));
        assert_eq!(settings.serials_per_day[0], (Role::Operator, 5_000));
        assert_eq!(settings.serials_per_day[1], (Role::Supervisor, DEFAULT_SERIALS_PER_DAY));
        assert_eq!(settings.label_downloads_per_order, 5);
        assert_eq!(settings.alert_exported_serials_per_hour, DEFAULT_ALERT_EXPORTED_SERIALS_PER_HOUR);
        assert_eq!(settings.alert_failed_sign_ins_per_hour, 3);
    }

    #[test]
    fn a_change_records_only_what_differs() {
        let before = ExportSettings::default();
        let change = ExportSettingsChange {
            serials_per_day: vec![(Role::Operator, 5_000), (Role::Admin, DEFAULT_SERIALS_PER_DAY)],
            label_downloads_per_order: Some(5),
            ..Default::default()
        };
        let after = before.changed(&change);
        let (old, new) = before.differences(&after);
        assert_eq!(old, serde_json::json!({"roles": {"operator": 1_000_000}, "label_downloads_per_order": 3}));
        assert_eq!(new, serde_json::json!({"roles": {"operator": 5_000}, "label_downloads_per_order": 5}));
        assert_eq!(before.differences(&before), (serde_json::json!({}), serde_json::json!({})));
    }
}
