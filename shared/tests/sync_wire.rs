//! The sync wire types: their JSON shape, the push request's validation, and the server's pull reset check.

mod sync_support;
mod unit_support;

use serde_json::json;
use serialtrack_shared::sync::*;
use serialtrack_shared::unit::{RefusalCode, VersionError, COMMAND_SCHEMA_VERSION};
use sync_support::*;

fn op(device: &str, device_seq: u64, id: u128) -> PendingOp {
    let mut replica = DeviceReplica::new(device);
    let mut op = record(&mut replica, unit_key(1), commission(), id);
    op.device_seq = device_seq;
    op
}

#[test]
fn a_pending_op_travels_as_snake_case_json_and_comes_back_the_same() {
    let op = op("tablet-1", 1, 7);
    let value = serde_json::to_value(&op).unwrap();
    for field in ["op_id", "device_id", "device_seq", "unit", "schema_version", "cursor_when_acted", "client_time"] {
        assert!(value.get(field).is_some(), "{field} is missing from {value}");
    }
    assert_eq!(value["command"]["type"], "commission");
    assert_eq!(value["client_time"], "2026-11-23T10:00:00Z");
    assert_eq!(serde_json::from_value::<PendingOp>(value).unwrap(), op);
}

#[test]
fn an_op_of_a_newer_vocabulary_still_arrives_and_asks_for_an_upgrade() {
    let mut value = serde_json::to_value(op("tablet-1", 1, 7)).unwrap();
    value["schema_version"] = json!(COMMAND_SCHEMA_VERSION + 1);
    value["command"] = json!({ "type": "teleport", "to": "Mars" });
    let op: PendingOp = serde_json::from_value(value).expect("an unknown command still deserialises");
    assert!(!op.is_supported_version());
    assert!(matches!(op.versioned(), Err(VersionError::UpgradeRequired { .. })));
    assert_eq!(op.command(), None);
}

#[test]
fn push_requests_are_checked_as_a_whole_and_the_problem_is_said_in_words() {
    let valid = vec![op("tablet-1", 1, 1), op("tablet-1", 2, 2)];
    let too_many: Vec<PendingOp> = (1..=101).map(|n| op("tablet-1", n, n as u128)).collect();
    let refused_with = |unit_state: serde_json::Value| {
        let mut refused = op("tablet-1", 1, 1);
        let code = RefusalCode::InvalidTransition;
        refused.refused_before =
            Some(RefusedOp { code, message: String::new(), unit_state: Some(unit_state), last_change: None });
        vec![refused]
    };
    let cases: Vec<(&str, Vec<PendingOp>, Option<&str>)> = vec![
        ("two ops of one device in order", valid.clone(), None),
        ("an empty push", vec![], None),
        ("101 ops", too_many, Some("at most 100 ops, this one has 101")),
        ("an op of another device", vec![op("tablet-2", 1, 1)], Some("comes from device tablet-2, not tablet-1")),
        ("device_seq 0", vec![op("tablet-1", 0, 1)], Some("device_seq starts at 1")),
        ("descending seqs", vec![valid[1].clone(), valid[0].clone()], Some("but 1 follows 2")),
        ("the same seq twice", vec![op("tablet-1", 1, 1), op("tablet-1", 1, 2)], Some("but 1 follows 1")),
        ("the same op_id twice", vec![op("tablet-1", 1, 5), op("tablet-1", 2, 5)], Some("appears twice")),
        ("a refusal sent back with its unit", refused_with(json!({"status": "shipped"})), None),
        ("a refusal sent back with a list for a unit", refused_with(json!([null, null])), Some("not a unit")),
    ];
    for (scenario, ops, expected) in cases {
        let request = PushRequest { device_id: "tablet-1".into(), ops };
        let said = request.validate().err().map(|error| error.to_string());
        match (expected, said) {
            (None, None) => {}
            (Some(words), Some(said)) => assert!(said.contains(words), "{scenario}: said {said:?}"),
            (expected, said) => panic!("{scenario}: expected {expected:?}, got {said:?}"),
        }
    }
}

#[test]
fn an_op_result_names_its_outcome_in_a_kind_field() {
    let accepted = OpResult { op_id: op_id(1), device_seq: 3, outcome: OpOutcome::Accepted { seq: 42 } };
    let value = serde_json::to_value(&accepted).unwrap();
    assert_eq!(value["outcome"], json!({ "kind": "accepted", "seq": 42 }));
    let refused = OpResult {
        op_id: op_id(2),
        device_seq: 4,
        outcome: OpOutcome::Refused(RefusedOp {
            code: RefusalCode::InvalidTransition,
            message: "a unit that is Shipped cannot be shipped".into(),
            unit_state: None,
            last_change: None,
        }),
    };
    let value = serde_json::to_value(&refused).unwrap();
    assert_eq!(value["outcome"]["kind"], "refused");
    assert_eq!(value["outcome"]["code"], "invalid_transition");
    assert_eq!(serde_json::from_value::<OpResult>(value).unwrap(), refused);
}

#[test]
fn push_stops_and_pull_answers_are_tagged_in_snake_case() {
    let gap = serde_json::to_value(Stop::Gap { expected: 4 }).unwrap();
    assert_eq!(gap, json!({ "reason": "gap", "expected": 4 }));
    let reset = PullAnswer::Reset { why: ResetReason::CursorAheadOfHead { cursor: 9, head: 5 } };
    assert_eq!(
        serde_json::to_value(&reset).unwrap(),
        json!({ "answer": "reset", "why": { "reason": "cursor_ahead_of_head", "cursor": 9, "head": 5 } })
    );
    let page = PullAnswer::Page(PullResponse {
        log_epoch: EPOCH,
        events: vec![],
        next_cursor: 0,
        head_seq: 0,
        has_more: false,
        op_results: vec![],
    });
    let value = serde_json::to_value(&page).unwrap();
    assert_eq!(value["answer"], "page");
    assert_eq!(serde_json::from_value::<PullAnswer>(value).unwrap(), page);
}

#[test]
fn the_upgrade_message_says_which_side_must_upgrade() {
    let server_behind = Stop::UpgradeRequired { found: 3, oldest: 1, newest: 2 }.message();
    let device_behind = Stop::UpgradeRequired { found: 1, oldest: 2, newest: 3 }.message();
    assert!(server_behind.contains("the server needs an upgrade"), "{server_behind}");
    assert!(device_behind.contains("reload the app"), "{device_behind}");
    assert!(device_behind.contains("nothing is lost"));
}

#[test]
fn the_server_answers_reset_when_the_cursor_means_nothing_in_its_log() {
    let other_epoch = op_id(0xBAD);
    let log = LogBounds { log_epoch: EPOCH, retention_floor: 10, head_seq: 50 };
    let cases = [
        ("a new device", 0, None, Some("cursor_below_retention")),
        ("a device in the middle", 20, Some(EPOCH), None),
        ("a device at the floor", 10, Some(EPOCH), None),
        ("a device at head", 50, Some(EPOCH), None),
        ("a device below the retention floor", 9, Some(EPOCH), Some("cursor_below_retention")),
        ("a device ahead of head (restore)", 51, Some(EPOCH), Some("cursor_ahead_of_head")),
        ("a device of another log", 20, Some(other_epoch), Some("epoch_changed")),
    ];
    for (scenario, cursor, log_epoch, expected) in cases {
        let why = reset_reason(&PullRequest { cursor, log_epoch }, &log);
        let reason = why.map(|why| serde_json::to_value(why).unwrap()["reason"].as_str().unwrap().to_owned());
        assert_eq!(reason.as_deref(), expected, "{scenario}");
    }
    let fresh_log = LogBounds { log_epoch: EPOCH, retention_floor: 0, head_seq: 0 };
    assert_eq!(reset_reason(&PullRequest { cursor: 0, log_epoch: None }, &fresh_log), None, "a new device, new log");
}
