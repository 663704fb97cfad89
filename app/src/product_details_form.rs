//! A product's details on the product form: its attributes as rows of name and value, its own retention or the
//! organisation's, and its yield range. Read from the server's JSON field by field, checked with the shared
//! `ProductDetails` rules before the form is sent. A retention policy as typed ([`RetentionDraft`]) is also
//! what the Retention tab edits for the organisation's default.

use crate::admin_view::field;
use serde_json::Value;
use serialtrack_shared::product_details::{ProductDetails, YieldRange};
use serialtrack_shared::retention::{CountedFrom, RetentionPolicy};

/// What a retention period may be counted from, with its words on the form.
pub const COUNTED_FROM: [(&str, &str); 2] =
    [("expiry", "the later of its last event and its expiry"), ("last_event", "its last event")];

/// A retention policy as typed: years kept and years until archived as text (empty: for ever, never), and what
/// they are counted from (`expiry` or `last_event`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionDraft {
    pub keep_years: String,
    pub archive_years: String,
    pub counted_from: String,
}

/// One field of a [`RetentionDraft`], as the fields on a form name what was typed into them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionField {
    KeepYears,
    ArchiveYears,
    CountedFrom,
}

impl Default for RetentionDraft {
    /// The built-in default: 7 years, archived after 2, counted from expiry (`RetentionPolicy::default`).
    fn default() -> Self {
        Self::from_policy(&RetentionPolicy::default())
    }
}

impl RetentionDraft {
    pub fn from_policy(policy: &RetentionPolicy) -> Self {
        let years = |years: Option<u16>| years.map(|years| years.to_string()).unwrap_or_default();
        let counted_from = match policy.counted_from {
            CountedFrom::LastEvent => "last_event",
            CountedFrom::Expiry => "expiry",
        };
        Self {
            keep_years: years(policy.keep_years),
            archive_years: years(policy.archive_after_years),
            counted_from: counted_from.into(),
        }
    }

    /// The draft of a policy as the server sends it (`{"keep_years", "archive_after_years", "counted_from"}`,
    /// `null` years for ever or never).
    pub fn of(policy: &Value) -> Self {
        Self {
            keep_years: field(policy, "keep_years"),
            archive_years: field(policy, "archive_after_years"),
            counted_from: field(policy, "counted_from"),
        }
    }

    /// Writes what was typed into one field.
    pub fn set(&mut self, which: RetentionField, typed: String) {
        match which {
            RetentionField::KeepYears => self.keep_years = typed,
            RetentionField::ArchiveYears => self.archive_years = typed,
            RetentionField::CountedFrom => self.counted_from = typed,
        }
    }

    /// The policy the draft describes, checked by the shared rule (1 to 100 years, archived before purged).
    pub fn policy(&self) -> Result<RetentionPolicy, String> {
        let years = |typed: &str, what: &str| -> Result<Option<u16>, String> {
            match typed.trim() {
                "" => Ok(None),
                typed => typed.parse().map(Some).map_err(|_| format!("Give {what} as a whole number of years.")),
            }
        };
        let counted_from = match self.counted_from.as_str() {
            "last_event" => CountedFrom::LastEvent,
            _ => CountedFrom::Expiry,
        };
        let policy = RetentionPolicy {
            keep_years: years(&self.keep_years, "how long histories are kept")?,
            archive_after_years: years(&self.archive_years, "when histories are archived")?,
            counted_from,
        };
        policy.validate().map_err(|error| format!("{}.", sentence(&error.to_string())))?;
        Ok(policy)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsDraft {
    /// Name and value per row; a row with both empty is left out.
    pub attributes: Vec<(String, String)>,
    /// `false`: the organisation's retention.
    pub own_retention: bool,
    /// The product's own retention, used when `own_retention`.
    pub retention: RetentionDraft,
    /// Both empty: no yield range.
    pub yield_min: String,
    pub yield_max: String,
}

impl Default for DetailsDraft {
    /// No attributes, the organisation's retention (the form shows the usual 7 and 2 years if one is chosen),
    /// no yield range.
    fn default() -> Self {
        Self {
            attributes: Vec::new(),
            own_retention: false,
            retention: RetentionDraft::default(),
            yield_min: String::new(),
            yield_max: String::new(),
        }
    }
}

impl DetailsDraft {
    /// The draft of the details the server sent (`{}` or absent: the default).
    pub fn of(details: &Value) -> Self {
        let mut draft = Self::default();
        if let Some(attributes) = details.get("attributes").and_then(Value::as_object) {
            draft.attributes = attributes
                .iter()
                .map(|(name, value)| (name.clone(), value.as_str().unwrap_or_default().to_owned()))
                .collect();
        }
        if let Some(retention) = details.get("retention").filter(|retention| retention.is_object()) {
            draft.own_retention = true;
            draft.retention = RetentionDraft::of(retention);
        }
        if let Some(range) = details.get("yield_range").filter(|range| range.is_object()) {
            draft.yield_min = field(range, "min_percent");
            draft.yield_max = field(range, "max_percent");
        }
        draft
    }

    /// The details the form describes, checked by the shared rules; the first problem is the error.
    pub fn details(&self) -> Result<ProductDetails, String> {
        let retention = if self.own_retention { Some(self.retention.policy()?) } else { None };
        let yield_range = match (self.yield_min.trim(), self.yield_max.trim()) {
            ("", "") => None,
            (min, max) => {
                let percent = |typed: &str| typed.trim_end_matches('%').trim().parse::<u8>().ok();
                let (Some(min_percent), Some(max_percent)) = (percent(min), percent(max)) else {
                    return Err("Give the yield range as two whole percentages, e.g. 95 and 100.".into());
                };
                Some(YieldRange { min_percent, max_percent })
            }
        };
        let attributes = self
            .attributes
            .iter()
            .filter(|(name, value)| !(name.trim().is_empty() && value.trim().is_empty()))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let details = ProductDetails { attributes, retention, yield_range };
        details.validate().map_err(|error| format!("{}.", sentence(&error.to_string())))?;
        Ok(details)
    }
}

/// A shared rule's message as a sentence: its first letter a capital.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_servers_details_read_into_the_form_and_back() {
        let sent = json!({
            "attributes": {"pack": "30 tablets", "strength": "20 mg"},
            "retention": {"keep_years": null, "archive_after_years": 3, "counted_from": "last_event"},
            "yield_range": {"min_percent": 95, "max_percent": 100},
        });
        let draft = DetailsDraft::of(&sent);
        assert_eq!(draft.attributes[1], ("strength".into(), "20 mg".into()));
        assert_eq!(
            (draft.own_retention, draft.retention.keep_years.as_str(), draft.retention.archive_years.as_str()),
            (true, "", "3")
        );
        assert_eq!(serde_json::to_value(draft.details().unwrap()).unwrap(), sent);
        assert_eq!(DetailsDraft::of(&json!({})), DetailsDraft::default());
        assert_eq!(serde_json::to_value(DetailsDraft::default().details().unwrap()).unwrap(), json!({}));
    }

    #[test]
    fn the_form_says_what_is_wrong_before_anything_is_sent() {
        let with = |change: fn(&mut DetailsDraft)| {
            let mut draft = DetailsDraft::default();
            change(&mut draft);
            draft.details().err().unwrap_or_default()
        };
        type Change = fn(&mut DetailsDraft);
        let given_then: [(Change, &str); 5] = [
            (|d| d.attributes = vec![("".into(), "".into())], ""),
            (|d| d.attributes = vec![("".into(), "30 tablets".into())], "An attribute's name is 1 to 40"),
            (|d| (d.yield_min, d.yield_max) = ("95".into(), "".into()), "two whole percentages"),
            (|d| (d.yield_min, d.yield_max) = ("100 %".into(), "95%".into()), "100–95 is not"),
            (|d| (d.own_retention, d.retention.keep_years) = (true, "seven".into()), "how long histories are kept"),
        ];
        for (change, words) in given_then {
            let error = with(change);
            assert!(if words.is_empty() { error.is_empty() } else { error.contains(words) }, "{words}: {error}");
        }
    }

    #[test]
    fn a_policy_reads_into_its_draft_and_back_or_names_what_is_wrong() {
        // Given the server's policy, when it is drafted and read back, then it is the same policy.
        let sent = json!({"keep_years": null, "archive_after_years": 3, "counted_from": "last_event"});
        let draft = RetentionDraft::of(&sent);
        assert_eq!((draft.keep_years.as_str(), draft.archive_years.as_str()), ("", "3"));
        assert_eq!(serde_json::to_value(draft.policy().unwrap()).unwrap(), sent);
        assert_eq!(RetentionDraft::default().policy(), Ok(RetentionPolicy::default()));

        // Given what a person typed into one field, then the policy, or the sentence that says what is wrong.
        let given_then: [(RetentionField, &str, Result<RetentionPolicy, &str>); 6] = [
            (
                RetentionField::KeepYears,
                " 10 ",
                Ok(RetentionPolicy { keep_years: Some(10), ..RetentionPolicy::default() }),
            ),
            (RetentionField::KeepYears, "", Ok(RetentionPolicy { keep_years: None, ..RetentionPolicy::default() })),
            (RetentionField::KeepYears, "2", Err("A history is archived before it is purged")),
            (RetentionField::ArchiveYears, "0", Err("Archiving happens 1 to 100 years")),
            (RetentionField::KeepYears, "101", Err("A retention period is 1 to 100 years; 101 is not.")),
            (
                RetentionField::CountedFrom,
                "last_event",
                Ok(RetentionPolicy { counted_from: CountedFrom::LastEvent, ..RetentionPolicy::default() }),
            ),
        ];
        for (which, typed, then) in given_then {
            let mut draft = RetentionDraft::default();
            draft.set(which, typed.into());
            match (draft.policy(), then) {
                (Ok(policy), Ok(expected)) => assert_eq!(policy, expected, "{typed}"),
                (Err(error), Err(words)) => assert!(error.contains(words), "{typed}: {error}"),
                (got, expected) => panic!("{typed}: got {got:?}, expected {expected:?}"),
            }
        }
    }
}
