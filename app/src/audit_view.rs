//! The audit trail screen's plain logic: the auditor's filters as the query of `GET /audit` (and of its CSV
//! export), the entries the server answers, and each entry and the chain's check in words. The trail lives on
//! the server (docs/AUDIT.md); the screen reads it online.

use serde::Deserialize;
use serialtrack_shared::unit::iso_date;

/// What the auditor filters by; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilters {
    /// Who: `user:ada`, a key, a device's actor.
    pub actor: String,
    /// `unit`, `product`, `user`, … (`OBJECT_KINDS`).
    pub object_kind: String,
    pub object_id: String,
    /// What happened, e.g. `unit.command`.
    pub kind: String,
    /// First and last day of the period (YYYY-MM-DD, UTC), both included.
    pub from_day: String,
    pub to_day: String,
}

/// The kinds of object the trail names, as the server spells them, with their words.
pub const OBJECT_KINDS: [(&str, &str); 13] = [
    ("unit", "Unit"),
    ("product", "Product"),
    ("pool_action", "Pool action"),
    ("order", "Order"),
    ("user", "User"),
    ("api_key", "API key"),
    ("partnership", "Partnership"),
    ("device", "Device"),
    ("location", "Location"),
    ("tenant", "Organisation"),
    ("op", "Device change"),
    ("audit", "Audit trail"),
    ("log", "Event log"),
];

impl AuditFilters {
    /// The query's parameters (not yet URL-encoded), or what to correct: a day that is not a date, or a period
    /// that ends before it starts.
    pub fn query(&self) -> Result<Vec<(&'static str, String)>, String> {
        let day = |text: &str, which: &str| -> Result<Option<time::Date>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            iso_date::parse(text).map(Some).ok_or_else(|| format!("The {which} day should be a date like 2026-11-23."))
        };
        let (from, to) = (day(&self.from_day, "first")?, day(&self.to_day, "last")?);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                return Err("The period ends before it starts: swap the two days.".into());
            }
        }
        let mut query = Vec::new();
        for (name, value) in [
            ("actor", &self.actor),
            ("object_kind", &self.object_kind),
            ("object_id", &self.object_id),
            ("kind", &self.kind),
        ] {
            if !value.trim().is_empty() {
                query.push((name, value.trim().to_owned()));
            }
        }
        if let Some(from) = from {
            query.push(("from", format!("{}T00:00:00Z", iso_date::format(from))));
        }
        // The last day is included: the period ends where the next day starts.
        if let Some(after) = to.and_then(|to| to.next_day()) {
            query.push(("to", format!("{}T00:00:00Z", iso_date::format(after))));
        }
        Ok(query)
    }
}

/// One entry as `GET /audit` answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    #[serde(default)]
    pub client_time: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub actor_tenant: Option<String>,
    #[serde(default)]
    pub device_id: Option<String>,
    #[serde(default)]
    pub object_kind: Option<String>,
    #[serde(default)]
    pub object_id: Option<String>,
    #[serde(default)]
    pub old_value: Option<serde_json::Value>,
    #[serde(default)]
    pub new_value: Option<serde_json::Value>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub purged: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_after: i64,
    pub head_seq: i64,
    pub has_more: bool,
}

impl AuditEntry {
    /// "user ada", "key line-1", or "system"; with the organisation when it acted from another one.
    pub fn who(&self) -> String {
        let actor = self.actor.as_deref().unwrap_or("—").replacen(':', " ", 1);
        match &self.actor_tenant {
            Some(tenant) => format!("{actor} (of organisation {tenant})"),
            None => actor,
        }
    }

    /// "Unit 09506000134352/A1", or what a purge left.
    pub fn object(&self) -> String {
        let kind = self.object_kind.as_deref().unwrap_or_default();
        let words = OBJECT_KINDS.iter().find(|(name, _)| *name == kind).map_or(kind, |(_, words)| words);
        format!("{words} {}", self.object_id.as_deref().unwrap_or_default()).trim().to_owned()
    }

    /// What changed, field by field: "status: available → shipped; location: Line 1". Values as JSON text, so
    /// nothing is hidden; a field only in the new value is shown with its value, one only in the old as gone.
    pub fn change(&self) -> String {
        if self.purged {
            return "Purged: the fields are gone, the entry's hash stays in the chain.".into();
        }
        let empty = serde_json::Map::new();
        let old = self.old_value.as_ref().and_then(serde_json::Value::as_object).unwrap_or(&empty);
        let new = self.new_value.as_ref().and_then(serde_json::Value::as_object).unwrap_or(&empty);
        let shown = |value: &serde_json::Value| match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let mut parts: Vec<String> = Vec::new();
        for (name, value) in new {
            parts.push(match old.get(name) {
                Some(was) if was != value => format!("{name}: {} → {}", shown(was), shown(value)),
                _ => format!("{name}: {}", shown(value)),
            });
        }
        for (name, was) in old.iter().filter(|(name, _)| !new.contains_key(*name)) {
            parts.push(format!("{name}: {} → (gone)", shown(was)));
        }
        parts.join("; ")
    }
}

/// The chain's check as `GET /audit/verify` answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VerifyReport {
    pub intact: bool,
    pub chains: Vec<ChainReport>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChainReport {
    pub entries: u64,
    #[serde(default)]
    pub purged: u64,
    pub head_seq: i64,
    #[serde(default)]
    pub checkpoints: u64,
    #[serde(default)]
    pub problem: Option<Tamper>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Tamper {
    pub seq: i64,
    pub what: String,
}

/// The check in words: intact with how much was checked, or the first entry that is not as it was written.
pub fn verify_words(report: &VerifyReport) -> String {
    let thousands = serialtrack_shared::words::thousands;
    if let Some((chain, problem)) = report.chains.iter().find_map(|chain| chain.problem.as_ref().map(|p| (chain, p))) {
        return format!(
            "Not intact: entry {} is not as it was written: {}. {} entries were read.",
            problem.seq,
            problem.what,
            thousands(chain.entries)
        );
    }
    let entries: u64 = report.chains.iter().map(|chain| chain.entries).sum();
    let checkpoints: u64 = report.chains.iter().map(|chain| chain.checkpoints).sum();
    let purged: u64 = report.chains.iter().map(|chain| chain.purged).sum();
    let agree = match checkpoints {
        0 => "no signed checkpoint yet".to_owned(),
        1 => "the signed checkpoint agrees".to_owned(),
        more => format!("{} signed checkpoints agree", thousands(more)),
    };
    let mut words = format!("Intact: {} entries, each linked to the one before, and {agree}.", thousands(entries));
    if purged > 0 {
        words.push_str(&format!(" {} purged entries keep their hashes.", thousands(purged)));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_filters_filled_in_are_the_query_with_the_last_day_included() {
        let filters = AuditFilters {
            actor: " user:ada ".into(),
            object_kind: "unit".into(),
            from_day: "2026-11-23".into(),
            to_day: "2026-11-30".into(),
            ..AuditFilters::default()
        };
        assert_eq!(
            filters.query().unwrap(),
            vec![
                ("actor", "user:ada".to_owned()),
                ("object_kind", "unit".to_owned()),
                ("from", "2026-11-23T00:00:00Z".to_owned()),
                ("to", "2026-12-01T00:00:00Z".to_owned()),
            ]
        );
        assert_eq!(AuditFilters::default().query().unwrap(), vec![]);
    }

    #[test]
    fn a_day_that_is_not_a_date_or_a_period_backwards_says_what_to_correct() {
        let not_a_date = AuditFilters { from_day: "23.11.2026".into(), ..AuditFilters::default() };
        assert!(not_a_date.query().unwrap_err().contains("first day should be a date"));
        let backwards =
            AuditFilters { from_day: "2026-11-30".into(), to_day: "2026-11-23".into(), ..Default::default() };
        assert!(backwards.query().unwrap_err().contains("ends before it starts"));
    }

    fn entry(old: serde_json::Value, new: serde_json::Value) -> AuditEntry {
        serde_json::from_value(json!({
            "seq": 7, "at": "2026-11-23T06:50:00Z", "kind": "unit.command", "actor": "user:ada",
            "object_kind": "unit", "object_id": "09506000134352/A1", "old_value": old, "new_value": new,
            "purged": false
        }))
        .unwrap()
    }

    #[test]
    fn an_entry_says_who_what_object_and_each_changed_field() {
        let shipped =
            entry(json!({"status": "allocated", "order": "SO-1"}), json!({"status": "shipped", "carrier": "DHL"}));
        assert_eq!(shipped.who(), "user ada");
        assert_eq!(shipped.object(), "Unit 09506000134352/A1");
        assert_eq!(shipped.change(), "carrier: DHL; status: allocated → shipped; order: SO-1 → (gone)");
        let mut purged = entry(json!(null), json!(null));
        purged.purged = true;
        assert!(purged.change().starts_with("Purged"));
    }

    #[test]
    fn the_check_names_the_first_bad_entry_or_says_how_much_is_intact() {
        let intact: VerifyReport = serde_json::from_value(json!({"intact": true, "chains": [
            {"tenant_id": "t", "entries": 12000, "purged": 0, "head_seq": 12000, "checkpoints": 3, "problem": null}]}))
        .unwrap();
        assert_eq!(
            verify_words(&intact),
            "Intact: 12,000 entries, each linked to the one before, and 3 signed checkpoints agree."
        );
        let edited: VerifyReport = serde_json::from_value(json!({"intact": false, "chains": [
            {"tenant_id": "t", "entries": 41, "head_seq": 50, "checkpoints": 0,
             "problem": {"seq": 41, "what": "its fields do not match its hash (edited)"}}]}))
        .unwrap();
        assert!(verify_words(&edited).starts_with("Not intact: entry 41 is not as it was written: its fields"));
    }
}
