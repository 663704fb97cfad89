//! What the screens say about sync: each pending change with its state, each refused change with what the
//! user did, what the server had and why, and the header's "N changes waiting". Plain logic, tested natively.

use crate::device_names::DeviceNames;
use crate::history_view::{sentence_case, shown_time};
use serialtrack_shared::sync::{describe_command, Conflict, OpStatus, OptimisticView, OutboxEntry};
use serialtrack_shared::unit::past_tense;

/// The state of a change in words, as its badge shows it.
pub fn status_words(status: OpStatus) -> &'static str {
    match status {
        OpStatus::Queued => "Queued",
        OpStatus::Sending => "Sending",
        OpStatus::Confirmed => "Confirmed",
        OpStatus::Refused => "Refused",
        OpStatus::PredictedConflict => "Predicted conflict",
    }
}

/// "Shipped", "Note added": what an op does, in words.
pub fn op_words(entry: &OutboxEntry) -> String {
    match entry.op.command() {
        Some(command) => sentence_case(&past_tense(command.kind()).replace('_', " ")),
        None => "A change this app version cannot read".into(),
    }
}

/// One line of the unit screen's "Changes on this device".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChange {
    pub op_id: String,
    pub what: String,
    pub status: OpStatus,
    /// Why it will probably be refused, for a predicted conflict.
    pub why: Option<String>,
    pub at: String,
}

pub fn pending_changes(view: &OptimisticView, outbox: &[OutboxEntry]) -> Vec<PendingChange> {
    view.ops
        .iter()
        .filter_map(|op| {
            let entry = outbox.iter().find(|entry| entry.op.op_id == op.op_id)?;
            Some(PendingChange {
                op_id: op.op_id.to_string(),
                what: op_words(entry),
                status: op.status,
                why: op.predicted_refusal.as_ref().map(|refusal| refusal.message.clone()),
                at: rfc3339(entry.op.client_time),
            })
        })
        .collect()
}

/// "3 changes waiting": ops not yet confirmed by the server.
pub fn waiting_words(count: usize) -> String {
    match count {
        0 => "All changes synced".into(),
        1 => "1 change waiting".into(),
        n => format!("{n} changes waiting"),
    }
}

/// Why signing out must wait, in words: changes not yet on the server, refused changes not yet settled (both
/// would be lost with the device's data). None when nothing would be lost.
pub fn sign_out_blocker(waiting: usize, attention: usize) -> Option<String> {
    if waiting > 0 {
        let (what, verb, them) = match waiting {
            1 => ("1 change".to_owned(), "still waits", "let it sync before signing out, or it would be lost"),
            n => (format!("{n} changes"), "still wait", "let them sync before signing out, or they would be lost"),
        };
        return Some(format!("{what} on this device {verb} to reach the server: connect and {them}."));
    }
    match attention {
        0 => None,
        1 => Some(
            "1 refused change still needs attention: discard it, redo it, keep it as a note or escalate it before              signing out, or it would be lost."
                .into(),
        ),
        n => Some(format!(
            "{n} refused changes still need attention: discard, redo, keep as a note or escalate each before              signing out, or they would be lost."
        )),
    }
}

/// After this long without a sync, the header warns (changes waiting only live on this device meanwhile).
pub const STALE_AFTER: time::Duration = time::Duration::hours(8);

/// "Not synced for 9 h: …" when changes wait and the last sync is older than `STALE_AFTER` (or never was).
pub fn stale_warning(last_synced: Option<&str>, now: time::OffsetDateTime, waiting: usize) -> Option<String> {
    if waiting == 0 {
        return None;
    }
    let format = &time::format_description::well_known::Rfc3339;
    let since = last_synced.and_then(|at| time::OffsetDateTime::parse(at, format).ok());
    match since.map(|since| now - since) {
        Some(gap) if gap < STALE_AFTER => None,
        Some(gap) => Some(format!(
            "Not synced for {} h: {} only on this device — connect to send them.",
            gap.whole_hours(),
            waiting_words(waiting).replace(" waiting", "")
        )),
        None => Some(format!(
            "Never synced: {} only on this device — connect to send them.",
            waiting_words(waiting).replace(" waiting", "")
        )),
    }
}

/// A refused change as the "needs attention" inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttentionItem {
    pub op_id: String,
    pub unit: String,
    /// What I did: "Quarantined (reason "dented") at 2026-11-23 10:00 by operator".
    pub attempted: String,
    /// What the server had: "Shipped — last changed by supervisor at … on device …".
    pub server_had: String,
    /// Why, in words.
    pub why: String,
    pub escalated: bool,
    /// The escalation reached the server (the supervisors see it).
    pub escalation_sent: bool,
}

/// `names`, `this_device`: who the other device is, in words (see `DeviceNames::words`).
pub fn attention_item(conflict: &Conflict, names: &DeviceNames, this_device: Option<&str>) -> AttentionItem {
    let who = conflict.op.actor.name.split_once(':').map_or(conflict.op.actor.name.as_str(), |(_, name)| name);
    let attempted =
        format!("{} at {} by {who}", sentence_case(&conflict.what_was_attempted()), rfc3339(conflict.op.client_time));
    let status = conflict.server_unit().map(|unit| unit.status.label().to_owned());
    let last = conflict.what_the_server_had().map(|change| {
        let by = change.by.split_once(':').map_or(change.by.as_str(), |(_, name)| name);
        let device = change.device_id.as_ref().map(|device| format!(" on {}", names.words(device, this_device)));
        let device = device.unwrap_or_default();
        format!("last changed by {by} at {}{device}", rfc3339(change.at))
    });
    let server_had = match (status, last) {
        (Some(status), Some(last)) => format!("{status} — {last}"),
        (Some(status), None) => status,
        (None, Some(last)) => sentence_case(&last),
        (None, None) => "Not said by the server".into(),
    };
    AttentionItem {
        op_id: conflict.op_id().to_string(),
        unit: conflict.op.unit.to_string(),
        attempted,
        server_had,
        why: sentence_case(&conflict.refused.message),
        escalated: conflict.escalated,
        escalation_sent: conflict.escalation_sent,
    }
}

/// `2026-11-23 10:00:00 UTC`: a time for people, to the second.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02}:{:02} UTC", at.date(), at.hour(), at.minute(), at.second())
}

/// What an escalated change did, for the supervisor: "Allocated (order "SO-1") by ada on Line 1 tablet at …";
/// `device`: the device in words.
/// A command this build cannot read is shown as the device sent it.
pub fn escalated_change(command: &serde_json::Value, actor: &str, device: &str, client_time: &str) -> String {
    let what = match serialtrack_shared::json::from_value(command) {
        Ok(command) => sentence_case(&describe_command(&command)),
        Err(_) => command.to_string(),
    };
    let who = actor.split_once(':').map_or(actor, |(_, name)| name);
    format!("{what} by {who} on {device} at {}", shown_time(client_time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signing_out_waits_while_anything_would_be_lost_and_says_so_in_words() {
        // (changes waiting, refused changes in the inbox, what the user reads)
        let cases: [(usize, usize, Option<&str>); 5] = [
            (0, 0, None),
            (1, 0, Some("1 change on this device still waits to reach the server: connect and let it sync")),
            (3, 2, Some("3 changes on this device still wait to reach the server: connect and let them sync")),
            (0, 1, Some("1 refused change still needs attention: discard it, redo it, keep it as a note")),
            (0, 4, Some("4 refused changes still need attention")),
        ];
        for (waiting, attention, expected) in cases {
            let said = sign_out_blocker(waiting, attention);
            match expected {
                None => assert_eq!(said, None),
                Some(start) => {
                    assert!(said.as_deref().unwrap_or("").starts_with(start), "{waiting}/{attention}: {said:?}")
                }
            }
        }
    }

    fn conflict() -> Conflict {
        serde_json::from_value(json!({
            "op": {
                "op_id": "7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f", "device_id": "tablet-1", "device_seq": 3,
                "unit": {"product": {"schema": "gtin", "code": "09506000134352"}, "serial": "A1"},
                "schema_version": 1, "cursor_when_acted": 10, "client_time": "2026-11-23T10:00:00Z",
                "actor": {"name": "user:operator", "role": "operator"},
                "command": {"type": "quarantine", "reason": "dented"}
            },
            "refused": {
                "code": "invalid_transition", "message": "shipped → quarantine is not allowed",
                "last_change": {"seq": 11, "by": "user:supervisor", "at": "2026-11-23T10:05:00Z", "device_id": "tablet-2"}
            }
        }))
        .unwrap()
    }

    #[test]
    fn a_refused_change_says_what_i_did_what_the_server_had_and_why() {
        let names = DeviceNames::new([("tablet-2".to_owned(), "Line 2 tablet".to_owned())]);
        let item = attention_item(&conflict(), &names, Some("tablet-1"));
        assert!(item.attempted.starts_with("Quarantined"), "{}", item.attempted);
        assert!(item.attempted.contains("dented") && item.attempted.ends_with("by operator"), "{}", item.attempted);
        assert_eq!(item.server_had, "Last changed by supervisor at 2026-11-23 10:05:00 UTC on Line 2 tablet");
        let unnamed = attention_item(&conflict(), &DeviceNames::default(), Some("tablet-1"));
        assert!(unnamed.server_had.ends_with("on an unnamed device (tablet-2)"), "{}", unnamed.server_had);
        assert_eq!(item.why, "Shipped → quarantine is not allowed");
    }

    #[test]
    fn a_long_time_offline_with_changes_waiting_is_warned_about() {
        let now = time::macros::datetime!(2026-11-23 20:00 UTC);
        assert_eq!(stale_warning(Some("2026-11-23T19:00:00Z"), now, 3), None);
        assert_eq!(stale_warning(Some("2026-11-23T08:00:00Z"), now, 0), None);
        let warning = stale_warning(Some("2026-11-23T07:59:59.5Z"), now, 3).unwrap();
        assert_eq!(warning, "Not synced for 12 h: 3 changes only on this device — connect to send them.");
        assert!(stale_warning(None, now, 1).unwrap().starts_with("Never synced: 1 change"));
    }

    #[test]
    fn the_header_counts_waiting_changes_in_words() {
        assert_eq!(waiting_words(0), "All changes synced");
        assert_eq!(waiting_words(1), "1 change waiting");
        assert_eq!(waiting_words(4), "4 changes waiting");
    }

    #[test]
    fn an_escalated_change_reads_as_what_who_where_and_when() {
        let command = serde_json::json!({"type": "allocate", "order": "SO-1"});
        assert_eq!(
            escalated_change(&command, "user:ada", "Line 1 tablet", "2026-11-23T10:00:00.123Z"),
            r#"Allocated (order "SO-1") by ada on Line 1 tablet at 2026-11-23 10:00:00 UTC"#
        );
        let unknown = serde_json::json!({"type": "teleport"});
        assert!(escalated_change(&unknown, "key:line", "t", "now").starts_with(r#"{"type":"teleport"} by line"#));
    }
}
