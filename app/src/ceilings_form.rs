//! The data-protection settings as an admin types them: a daily ceiling of exported serials per role, how many
//! times a printing order's labels may be downloaded, and when the audit trail raises an alert. Checked here
//! with the server's ranges so a typo is named before anything is sent; the server checks again and decides
//! (docs/DATA_PROTECTION.md).

use crate::admin_view::{count_field, count_within};
use serde_json::{json, Value};
use serialtrack_shared::unit::Role;
use serialtrack_shared::words::thousands;

/// The most serials a ceiling may allow in a day, as the server allows.
pub const MAX_CEILING: u64 = 1_000_000_000;
/// The most downloads of one order's labels a tenant may allow.
pub const MAX_LABEL_DOWNLOADS: u64 = 1_000;

/// The settings as typed: one text per role (in [`Role::ALL`] order) and one per threshold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CeilingsDraft {
    pub per_role: Vec<(Role, String)>,
    pub label_downloads: String,
    pub alert_exports: String,
    pub alert_sign_ins: String,
}

impl CeilingsDraft {
    /// The draft of the settings the server holds (`GET /export_ceilings`); a role it does not list is empty.
    pub fn of(settings: &Value) -> Self {
        let listed = settings.get("roles").and_then(Value::as_array).cloned().unwrap_or_default();
        let per_role = Role::ALL
            .into_iter()
            .map(|role| {
                let ceiling =
                    listed.iter().find(|entry| entry.get("role").and_then(Value::as_str) == Some(role.as_str()));
                (role, ceiling.map(|entry| count_field(entry, "serials_per_day")).unwrap_or_default())
            })
            .collect();
        Self {
            per_role,
            label_downloads: count_field(settings, "label_downloads_per_order"),
            alert_exports: count_field(settings, "alert_exported_serials_per_hour"),
            alert_sign_ins: count_field(settings, "alert_failed_sign_ins_per_hour"),
        }
    }

    /// The body of `PATCH /export_ceilings` with every setting; the first figure out of range is the error.
    pub fn body(&self) -> Result<Value, String> {
        let mut roles = Vec::new();
        for (role, typed) in &self.per_role {
            let ceiling = count_within(typed, 1, MAX_CEILING).ok_or_else(|| {
                format!("Give the {} ceiling as 1 to {} serials a day.", role.as_str(), thousands(MAX_CEILING))
            })?;
            roles.push(json!({ "role": role.as_str(), "serials_per_day": ceiling }));
        }
        let downloads = count_within(&self.label_downloads, 1, MAX_LABEL_DOWNLOADS).ok_or_else(|| {
            format!("Allow 1 to {} downloads of a printing order's labels.", thousands(MAX_LABEL_DOWNLOADS))
        })?;
        let exports = count_within(&self.alert_exports, 1, MAX_CEILING)
            .ok_or("Say after how many exported serials in an hour the audit trail raises an alert (1 or more).")?;
        let sign_ins = count_within(&self.alert_sign_ins, 1, 1_000_000)
            .ok_or("Say after how many failed sign-ins in an hour the audit trail raises an alert (1 or more).")?;
        Ok(json!({
            "roles": roles,
            "label_downloads_per_order": downloads,
            "alert_exported_serials_per_hour": exports,
            "alert_failed_sign_ins_per_hour": sign_ins,
        }))
    }
}

/// A key's own daily ceiling as typed: empty for the role's ceiling, else 1 to [`MAX_CEILING`].
pub fn key_ceiling(typed: &str) -> Result<Value, String> {
    if typed.trim().is_empty() {
        return Ok(Value::Null);
    }
    count_within(typed, 1, MAX_CEILING).map(Value::from).ok_or_else(|| {
        format!("Give the key's ceiling as 1 to {} serials a day, or leave it empty.", thousands(MAX_CEILING))
    })
}

/// A key's daily ceiling in words: its own, or the role's.
pub fn daily_words(key: &Value) -> String {
    match count_field(key, "max_exported_serials_per_day") {
        own if own.is_empty() => "it may export as many serials a day as its role".into(),
        own => format!("it may export {own} serials a day"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Value {
        json!({
            "roles": [{"role": "operator", "serials_per_day": 5000}, {"role": "admin", "serials_per_day": 1000000}],
            "label_downloads_per_order": 3,
            "alert_exported_serials_per_hour": 100000,
            "alert_failed_sign_ins_per_hour": 10,
        })
    }

    #[test]
    fn the_draft_shows_the_servers_figures_grouped_and_a_role_it_does_not_list_empty() {
        let draft = CeilingsDraft::of(&settings());
        let operator = draft.per_role.iter().find(|(role, _)| *role == Role::Operator).unwrap();
        assert_eq!(operator.1, "5,000");
        let auditor = draft.per_role.iter().find(|(role, _)| *role == Role::Auditor).unwrap();
        assert_eq!(auditor.1, "");
        assert_eq!((draft.label_downloads.as_str(), draft.alert_exports.as_str()), ("3", "100,000"));
    }

    #[test]
    fn a_body_has_every_setting_or_names_the_first_figure_out_of_range() {
        // Given the server's settings with every role filled, when the body is made, then it round-trips.
        let mut draft = CeilingsDraft::of(&settings());
        for (_, typed) in &mut draft.per_role {
            if typed.is_empty() {
                "250 000".clone_into(typed);
            }
        }
        let body = draft.body().unwrap();
        assert_eq!(body["roles"][0], json!({"role": "operator", "serials_per_day": 5000}));
        assert_eq!(body["roles"].as_array().unwrap().len(), Role::ALL.len());
        assert!(body["roles"].as_array().unwrap().contains(&json!({"role": "auditor", "serials_per_day": 250_000})));
        assert_eq!(body["label_downloads_per_order"], 3);
        assert_eq!(body["alert_failed_sign_ins_per_hour"], 10);

        // Given one figure out of range, then the sentence names it.
        type Spoil = fn(&mut CeilingsDraft);
        let cases: [(Spoil, &str); 4] = [
            (|d| d.per_role[1].1 = "0".into(), "ceiling as 1 to 1,000,000,000"),
            (|d| d.label_downloads = "1001".into(), "1 to 1,000 downloads"),
            (|d| d.alert_exports = "lots".into(), "exported serials"),
            (|d| d.alert_sign_ins = String::new(), "failed sign-ins"),
        ];
        for (spoil, words) in cases {
            let mut spoilt = draft.clone();
            spoil(&mut spoilt);
            assert!(spoilt.body().unwrap_err().contains(words), "{words}");
        }
    }

    #[test]
    fn a_keys_ceiling_is_its_own_or_the_roles() {
        assert_eq!(key_ceiling("  "), Ok(Value::Null));
        assert_eq!(key_ceiling("20,000"), Ok(json!(20_000)));
        assert!(key_ceiling("0").is_err());
        assert_eq!(daily_words(&json!({"max_exported_serials_per_day": 20000})), "it may export 20,000 serials a day");
        assert_eq!(
            daily_words(&json!({"max_exported_serials_per_day": null})),
            "it may export as many serials a day as its role"
        );
    }
}
