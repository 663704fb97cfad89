//! A unit's recorded events, as the timeline shows them: who, when, where, what changed and why. Plain logic on
//! the shared event types, tested natively.

use crate::model::HistoryRecord;
use serialtrack_shared::unit::{InspectionResult, RecordedEvent, UnitCommand};

/// One history line from a recorded event; `seq` orders the timeline.
pub fn history_line(unit_key: &str, seq: u64, recorded: &RecordedEvent) -> HistoryRecord {
    let event = &recorded.event;
    let who = recorded.actor.name.split_once(':').map_or(recorded.actor.name.as_str(), |(_, name)| name);
    let change = event.from.filter(|from| *from != event.to).map(|from| format!("{from} → {}", event.to));
    let mut why = reasons(&event.what);
    if let Some(approval) = &event.approved_by {
        let by = approval.by.split_once(':').map_or(approval.by.as_str(), |(_, name)| name);
        why.push(format!("approved by {by} ({})", approval.role));
    }
    if let Some(done) = done_on_device(recorded) {
        why.push(done);
    }
    HistoryRecord {
        unit_key: unit_key.to_owned(),
        seq,
        at: recorded.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        who: who.to_owned(),
        role: Some(recorded.actor.role.as_str().to_owned()),
        device: recorded.device_id.clone(),
        location: place(&event.what),
        what: sentence_case(event.name()),
        change,
        why: (!why.is_empty()).then(|| why.join(" · ")),
    }
}

/// Where the event put the unit, when it says.
fn place(command: &UnitCommand) -> Option<String> {
    match command {
        UnitCommand::Commission { location, .. } => location.clone(),
        UnitCommand::Move { location } => Some(location.clone()),
        UnitCommand::Ship { destination, .. } => destination.clone(),
        _ => None,
    }
}

/// The command's details in words: a reason, a note, an order, a carrier and tracking number.
fn reasons(command: &UnitCommand) -> Vec<String> {
    let labelled = |pairs: &[(&str, Option<&str>)]| -> Vec<String> {
        pairs.iter().filter_map(|(label, value)| value.map(|value| format!("{label}: {value}"))).collect()
    };
    match command {
        UnitCommand::Commission { lot, expiry, owner, .. } => {
            let expiry = expiry.map(|date| date.to_string());
            labelled(&[
                ("lot", lot.as_ref().map(|lot| lot.as_str())),
                ("expiry", expiry.as_deref()),
                ("owner", owner.as_deref()),
            ])
        }
        UnitCommand::Allocate { order } => labelled(&[("order", Some(order))]),
        UnitCommand::Pick { order } => labelled(&[("order", order.as_deref())]),
        UnitCommand::CancelAllocation { reason } => labelled(&[("reason", reason.as_deref())]),
        UnitCommand::Ship { carrier, tracking, .. } => {
            labelled(&[("carrier", carrier.as_deref()), ("tracking", tracking.as_deref())])
        }
        UnitCommand::Deliver { receiver } => labelled(&[("received by", receiver.as_deref())]),
        UnitCommand::StartService { reason }
        | UnitCommand::DeclareUnrepairable { reason }
        | UnitCommand::Quarantine { reason }
        | UnitCommand::FailInspection { reason } => labelled(&[("reason", Some(reason))]),
        UnitCommand::Repair { notes } | UnitCommand::ResolveQuarantine { notes } => {
            labelled(&[("notes", notes.as_deref())])
        }
        UnitCommand::Recall { recall_ref } => labelled(&[("recall", Some(recall_ref))]),
        UnitCommand::Decommission { reason } => vec![format!("reason: {}", reason.label())],
        UnitCommand::TransferOwnership { owner } => labelled(&[("new owner", Some(owner))]),
        UnitCommand::Pack { parent } => vec![format!("into {parent}")],
        UnitCommand::Inspect { result, notes } => {
            let result = match result {
                InspectionResult::Passed => "passed",
                InspectionResult::Failed => "failed",
            };
            labelled(&[("result", Some(result)), ("notes", notes.as_deref())])
        }
        UnitCommand::RecordService { notes } => labelled(&[("notes", Some(notes))]),
        UnitCommand::AddNote { text } => vec![text.clone()],
        UnitCommand::ReplaceSerial { new_serial } => labelled(&[("new serial", Some(new_serial.as_str()))]),
        UnitCommand::Unpick | UnitCommand::Retire | UnitCommand::UndoDecommission | UnitCommand::Move { .. } => {
            Vec::new()
        }
        UnitCommand::Unpack => Vec::new(),
    }
}

/// An RFC 3339 time as the timeline shows it, to the second: "2026-11-01T05:02:24.0284Z" → "2026-11-01 05:02:24 UTC".
pub fn shown_time(rfc3339: &str) -> String {
    let utc = rfc3339.ends_with('Z');
    let seconds: String = rfc3339.replace('T', " ").chars().take(19).collect();
    if utc {
        format!("{seconds} UTC")
    } else {
        seconds
    }
}

/// A change a device recorded offline reaches the server later: the line says when it was done by the
/// device's clock, when that is a minute or more from the server's time (the clock may be off: it is a
/// statement of the device, not the order of the log).
fn done_on_device(recorded: &RecordedEvent) -> Option<String> {
    let observed = recorded.observed_at?;
    if (recorded.at - observed).abs() < time::Duration::minutes(1) {
        return None;
    }
    let text = observed.format(&time::format_description::well_known::Rfc3339).ok()?;
    Some(format!("done at {} by the device's clock", shown_time(&text)))
}

/// An RFC 3339 UTC time to the minute, as the header and the settings say when the device's data is from.
pub fn shown_minute(rfc3339: &str) -> String {
    let minute: String = rfc3339.replace('T', " ").chars().take(16).collect();
    format!("{minute} UTC")
}

/// "serial_replaced" → "Serial replaced".
pub fn sentence_case(kind: &str) -> String {
    let spaced = kind.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn recorded(what: serde_json::Value, from: Option<&str>, to: &str) -> RecordedEvent {
        serde_json::from_value(json!({
            "schema_version": 1,
            "event_id": "7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f",
            "unit": {"product": {"schema": "gtin", "code": "09520123456788"}, "serial": "A1"},
            "at": "2026-11-20T09:30:00Z",
            "actor": {"name": "user:ada", "role": "operator", "party": "t1"},
            "device_id": "tablet-7",
            "event": {"what": what, "from": from, "to": to}
        }))
        .expect("a recorded event")
    }

    #[test]
    fn a_shipment_says_who_when_where_what_changed_and_why() {
        let event = recorded(
            json!({"type": "ship", "carrier": "DHL", "tracking": "JD01", "destination": "Apotheke am Markt"}),
            Some("picked"),
            "shipped",
        );
        let line = history_line("k", 7, &event);
        assert_eq!(line.who, "ada");
        assert_eq!(line.role.as_deref(), Some("operator"));
        assert_eq!(line.at, "2026-11-20T09:30:00Z");
        assert_eq!(line.device.as_deref(), Some("tablet-7"));
        assert_eq!(line.location.as_deref(), Some("Apotheke am Markt"));
        assert_eq!(line.what, "Shipped");
        assert_eq!(line.change.as_deref(), Some("Picked → Shipped"));
        assert_eq!(line.why.as_deref(), Some("carrier: DHL · tracking: JD01"));
    }

    #[test]
    fn a_change_made_offline_says_when_it_was_done_by_the_devices_clock() {
        // (the device's time of the action, what the line adds to its why)
        let cases = [
            (None, None),
            (Some("2026-11-20T09:29:30Z"), None),
            (Some("2026-11-20T06:02:24Z"), Some("done at 2026-11-20 06:02:24 UTC by the device's clock")),
            (Some("2031-01-01T00:00:00Z"), Some("done at 2031-01-01 00:00:00 UTC by the device's clock")),
        ];
        for (observed, expected) in cases {
            let mut event = recorded(json!({"type": "add_note", "text": "dented"}), Some("shipped"), "shipped");
            event.observed_at = observed
                .map(|text| time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap());
            let why = history_line("k", 8, &event).why.unwrap_or_default();
            match expected {
                None => assert_eq!(why, "dented", "{observed:?}"),
                Some(done) => assert_eq!(why, format!("dented · {done}"), "{observed:?}"),
            }
        }
    }

    #[test]
    fn times_show_to_the_second_in_utc() {
        assert_eq!(shown_time("2026-11-01T05:02:24.028467535Z"), "2026-11-01 05:02:24 UTC");
        assert_eq!(shown_time("2026-11-20T09:30:00Z"), "2026-11-20 09:30:00 UTC");
        assert_eq!(shown_minute("2026-11-23T21:31:05.123Z"), "2026-11-23 21:31 UTC");
    }

    #[test]
    fn a_note_changes_no_status_and_its_text_is_the_why() {
        let line =
            history_line("k", 8, &recorded(json!({"type": "add_note", "text": "dented"}), Some("shipped"), "shipped"));
        assert_eq!((line.what.as_str(), line.change, line.why.as_deref()), ("Note added", None, Some("dented")));
    }

    #[test]
    fn an_approved_release_names_the_approver() {
        let mut event = recorded(json!({"type": "resolve_quarantine"}), Some("quarantine"), "available");
        event.event.approved_by = Some(serialtrack_shared::unit::Approval {
            by: "user:sam".into(),
            role: serialtrack_shared::unit::Role::Supervisor,
        });
        let line = history_line("k", 9, &event);
        assert_eq!(line.why.as_deref(), Some("approved by sam (supervisor)"));
    }
}
