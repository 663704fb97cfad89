//! A `UnitCommand` read from JSON (by a device, a push, a stored op) is exactly the command that was written,
//! and JSON that is not a command is refused with a sentence naming what is wrong. The reader is hand-made
//! (`shared/src/unit/command_reader.rs`), so every variant and every field is walked here, from text and from a
//! `serde_json::Value` (the server's path).

mod unit_support;

use serialtrack_shared::ids::{Lot, Sscc};
use serialtrack_shared::unit::*;
use unit_support::*;

fn every_field_set() -> Vec<UnitCommand> {
    let text = |text: &str| Some(text.to_owned());
    vec![
        UnitCommand::Commission {
            lot: Some(Lot::parse("L-7").unwrap()),
            expiry: Some(time::macros::date!(2028 - 02 - 29)),
            location: text("Line 1"),
            owner: text("Brand A"),
        },
        UnitCommand::CancelAllocation { reason: text("customer cancelled") },
        UnitCommand::Pick { order: text("SO-9") },
        UnitCommand::Ship { carrier: text("DHL"), tracking: text("JD01"), destination: text("Apotheke am Markt") },
        UnitCommand::Deliver { receiver: text("M. Weber") },
        UnitCommand::Repair { notes: text("seal replaced") },
        UnitCommand::ResolveQuarantine { notes: text("cleared") },
        UnitCommand::Decommission { reason: DecommissionReason::Other { text: "water damage".into() } },
        UnitCommand::Decommission { reason: DecommissionReason::Stolen },
        UnitCommand::Inspect { result: InspectionResult::Failed, notes: text("dent") },
    ]
}

#[test]
fn every_command_reads_back_as_it_was_written_from_text_and_from_a_value() {
    let commands = ALL_KINDS.iter().map(|kind| sample(*kind)).chain(every_field_set());
    for command in commands {
        let text = serde_json::to_string(&command).unwrap();
        assert_eq!(serde_json::from_str::<UnitCommand>(&text).unwrap(), command, "from text {text}");
        let value = serde_json::to_value(&command).unwrap();
        assert_eq!(serialtrack_shared::json::from_value::<UnitCommand>(&value).unwrap(), command, "from {value}");
    }
}

#[test]
fn what_a_command_may_leave_out_or_add() {
    // Given JSON, when it is read, then it is this command.
    let cases: &[(&str, UnitCommand)] = &[
        (r#"{"type":"commission"}"#, UnitCommand::Commission { lot: None, expiry: None, location: None, owner: None }),
        (r#"{"type":"pick","order":null}"#, UnitCommand::Pick { order: None }),
        (
            r#"{"type":"allocate","order":"SO-1","note":"unknown fields are ignored"}"#,
            UnitCommand::Allocate { order: "SO-1".into() },
        ),
        (r#"{"order":"SO-1","type":"allocate"}"#, UnitCommand::Allocate { order: "SO-1".into() }),
        (r#"{"type":"cancel_allocation"}"#, UnitCommand::CancelAllocation { reason: None }),
        (
            r#"{"type":"decommission","reason":{"kind":"damaged"}}"#,
            UnitCommand::Decommission { reason: DecommissionReason::Damaged },
        ),
        (
            r#"{"type":"pack","parent":"106141411234567897"}"#,
            UnitCommand::Pack { parent: Sscc::parse("106141411234567897").unwrap() },
        ),
    ];
    for (json, command) in cases {
        assert_eq!(&serde_json::from_str::<UnitCommand>(json).unwrap(), command, "{json}");
    }
}

#[test]
fn json_that_is_not_a_command_is_refused_saying_why() {
    // Given JSON, when it is read, then it is refused with a sentence containing this.
    let cases = [
        (r#"{"order":"SO-1"}"#, "missing field `type`"),
        (r#"{"type":"teleport"}"#, "unknown variant `teleport`"),
        (r#"{"type":"allocate"}"#, "missing field `order`"),
        (r#"{"type":"allocate","order":null}"#, "missing field `order`"),
        (r#"{"type":"allocate","order":7}"#, "invalid type"),
        (r#"{"type":"start_service"}"#, "missing field `reason`"),
        (r#"{"type":"start_service","reason":{"kind":"damaged"}}"#, "expected a string"),
        (r#"{"type":"decommission","reason":"damaged"}"#, "expected a decommission reason object"),
        (r#"{"type":"decommission"}"#, "missing field `reason`"),
        (r#"{"type":"decommission","reason":{"kind":"melted"}}"#, "unknown variant `melted`"),
        (r#"{"type":"pack","parent":"123"}"#, "SSCC"),
        (r#"{"type":"inspect","result":"maybe"}"#, "unknown variant `maybe`"),
        (r#"{"type":"replace_serial","new_serial":""}"#, "serial"),
        (r#"{"type":"commission","expiry":"2026-13-01"}"#, "date"),
        (r#"{"type":"allocate","order":"SO-1","lot":5}"#, "invalid type"),
    ];
    for (json, why) in cases {
        let error = serde_json::from_str::<UnitCommand>(json).expect_err(json).to_string();
        assert!(error.to_lowercase().contains(&why.to_lowercase()), "{json}: {error} does not say {why}");
    }
}

#[test]
fn a_command_is_an_object() {
    for json in [r#"["allocate","SO-1"]"#, r#""allocate""#, "null", "7"] {
        assert!(serde_json::from_str::<UnitCommand>(json).is_err(), "{json} was read as a command");
    }
}
