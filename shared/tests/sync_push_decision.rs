//! Given/when/then tables of the server's push decision: duplicates, gaps, versions, refusals.

mod sync_support;
mod unit_support;

use serde_json::json;
use serialtrack_shared::sync::*;
use serialtrack_shared::unit::{RefusalCode, UnitCommand, COMMAND_SCHEMA_VERSION};
use std::collections::HashMap;
use sync_support::*;

/// What an op in a test batch is.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A note: the stub state machine accepts it.
    Fine,
    /// Retiring: the stub state machine refuses it.
    Invalid,
    /// Written in a vocabulary newer than the server's.
    Newer,
    /// In a supported vocabulary, but the command is not one.
    Garbled,
}
use Kind::*;

fn op(device_seq: u64, kind: Kind) -> PendingOp {
    let mut device = DeviceReplica::new("tablet-1");
    let mut op = record(&mut device, unit_key(1), commission(), device_seq as u128);
    op.device_seq = device_seq;
    match kind {
        Fine => op.command = serde_json::to_value(note("fine")).unwrap(),
        Invalid => op.command = serde_json::to_value(UnitCommand::Retire).unwrap(),
        Newer => {
            op.schema_version = COMMAND_SCHEMA_VERSION + 1;
            op.command = json!({ "type": "teleport" });
        }
        Garbled => op.command = json!({ "type": "ship", "carrier": 42 }),
    }
    op
}

/// What a result should say: accepted, refused with a code, or the stored answer of a duplicate.
#[derive(Debug, PartialEq)]
enum Said {
    Accepted,
    Refused(RefusalCode),
    Stored,
}

struct Case {
    scenario: &'static str,
    given_last_processed: u64,
    when_pushed: Vec<(u64, Kind)>,
    then_said: Vec<Said>,
    then_ran: Vec<u64>,
    then_last_processed: u64,
    then_stopped: Option<Stop>,
}

fn upgrade() -> Option<Stop> {
    Some(Stop::UpgradeRequired { found: COMMAND_SCHEMA_VERSION + 1, oldest: 1, newest: COMMAND_SCHEMA_VERSION })
}

#[test]
fn the_push_decision_follows_the_protocol_table() {
    use Said::*;
    let cases = vec![
        Case {
            scenario: "the next op is run and accepted",
            given_last_processed: 0,
            when_pushed: vec![(1, Fine)],
            then_said: vec![Accepted],
            then_ran: vec![1],
            then_last_processed: 1,
            then_stopped: None,
        },
        Case {
            scenario: "a refused op advances last_processed and the ops after it still run",
            given_last_processed: 0,
            when_pushed: vec![(1, Fine), (2, Invalid), (3, Fine)],
            then_said: vec![Accepted, Refused(RefusalCode::InvalidTransition), Accepted],
            then_ran: vec![1, 2, 3],
            then_last_processed: 3,
            then_stopped: None,
        },
        Case {
            scenario: "a retried batch answers the stored results and runs nothing",
            given_last_processed: 2,
            when_pushed: vec![(1, Fine), (2, Invalid)],
            then_said: vec![Stored, Stored],
            then_ran: vec![],
            then_last_processed: 2,
            then_stopped: None,
        },
        Case {
            scenario: "a batch overlapping processed ops answers the duplicates and runs the rest",
            given_last_processed: 1,
            when_pushed: vec![(1, Fine), (2, Fine)],
            then_said: vec![Stored, Accepted],
            then_ran: vec![2],
            then_last_processed: 2,
            then_stopped: None,
        },
        Case {
            scenario: "a batch that skips ops stops at once",
            given_last_processed: 0,
            when_pushed: vec![(2, Fine), (3, Fine)],
            then_said: vec![],
            then_ran: vec![],
            then_last_processed: 0,
            then_stopped: Some(Stop::Gap { expected: 1 }),
        },
        Case {
            scenario: "a gap in the middle stops the batch there",
            given_last_processed: 0,
            when_pushed: vec![(1, Fine), (3, Fine)],
            then_said: vec![Accepted],
            then_ran: vec![1],
            then_last_processed: 1,
            then_stopped: Some(Stop::Gap { expected: 2 }),
        },
        Case {
            scenario: "an op of a newer vocabulary stops the batch, records nothing and is not processed",
            given_last_processed: 0,
            when_pushed: vec![(1, Fine), (2, Newer), (3, Fine)],
            then_said: vec![Accepted],
            then_ran: vec![1],
            then_last_processed: 1,
            then_stopped: upgrade(),
        },
        Case {
            scenario: "a duplicate of a newer vocabulary is still answered from the stored result",
            given_last_processed: 1,
            when_pushed: vec![(1, Newer)],
            then_said: vec![Stored],
            then_ran: vec![],
            then_last_processed: 1,
            then_stopped: None,
        },
        Case {
            scenario: "an unreadable command of a supported vocabulary is refused for good and does not wedge",
            given_last_processed: 0,
            when_pushed: vec![(1, Garbled), (2, Fine)],
            then_said: vec![Refused(RefusalCode::InvalidInput), Accepted],
            then_ran: vec![2],
            then_last_processed: 2,
            then_stopped: None,
        },
        Case {
            scenario: "an empty batch changes nothing",
            given_last_processed: 5,
            when_pushed: vec![],
            then_said: vec![],
            then_ran: vec![],
            then_last_processed: 5,
            then_stopped: None,
        },
    ];
    for case in cases {
        let ops: Vec<PendingOp> = case.when_pushed.iter().map(|(seq, kind)| op(*seq, *kind)).collect();
        let stored: HashMap<u64, OpResult> = (1..=case.given_last_processed)
            .map(|seq| {
                (seq, OpResult { op_id: op_id(seq as u128), device_seq: seq, outcome: OpOutcome::Accepted { seq: 7 } })
            })
            .collect();
        let mut ran = Vec::new();
        let decision = decide_push::<()>(
            case.given_last_processed,
            &ops,
            |op| Ok(stored[&op.device_seq].clone()),
            |op, versioned| {
                ran.push(op.device_seq);
                Ok(match versioned.command {
                    UnitCommand::Retire => OpOutcome::Refused(RefusedOp {
                        code: RefusalCode::InvalidTransition,
                        message: "a unit that is Available cannot be retired".into(),
                        unit_state: None,
                        last_change: None,
                    }),
                    _ => OpOutcome::Accepted { seq: 100 + op.device_seq },
                })
            },
        )
        .unwrap();
        let said: Vec<Said> = decision
            .results
            .iter()
            .map(|result| match &result.outcome {
                _ if stored.get(&result.device_seq) == Some(result) => Said::Stored,
                OpOutcome::Accepted { .. } => Said::Accepted,
                OpOutcome::Refused(refused) => Said::Refused(refused.code),
            })
            .collect();
        let scenario = case.scenario;
        assert_eq!(said, case.then_said, "{scenario}: results");
        assert_eq!(ran, case.then_ran, "{scenario}: ops run through the state machine");
        assert_eq!(decision.last_processed_device_seq, case.then_last_processed, "{scenario}: last processed");
        assert_eq!(decision.stopped, case.then_stopped, "{scenario}: stop");
        let fresh = case.then_said.iter().filter(|said| **said != Said::Stored).count();
        assert_eq!(decision.newly_decided.len(), fresh, "{scenario}: results to store");
    }
}

#[test]
fn a_transient_failure_while_running_an_op_fails_the_whole_batch() {
    let ops = vec![op(1, Fine), op(2, Fine)];
    let outcome = decide_push(
        0,
        &ops,
        |_| Err("unreachable"),
        |op, _| if op.device_seq == 2 { Err("database is locked") } else { Ok(OpOutcome::Accepted { seq: 1 }) },
    );
    assert_eq!(outcome, Err("database is locked"), "the server rolls back and answers 503");
}

#[test]
fn ops_are_classified_by_the_device_s_last_processed_seq_alone() {
    let cases = [
        ("an op already processed", 5, 3, OpClass::Duplicate),
        ("the last processed op itself", 5, 5, OpClass::Duplicate),
        ("the next op", 5, 6, OpClass::Next),
        ("a device's first op", 0, 1, OpClass::Next),
        ("an op after missing ones", 5, 8, OpClass::Gap { expected: 6 }),
    ];
    for (scenario, last_processed, device_seq, expected) in cases {
        assert_eq!(classify(last_processed, device_seq), expected, "{scenario}");
    }
}

#[test]
fn the_decision_becomes_the_push_response_with_the_head_seq() {
    let decision =
        decide_push::<()>(0, &[op(1, Fine)], |_| Err(()), |_, _| Ok(OpOutcome::Accepted { seq: 9 })).unwrap();
    let response = decision.into_response(12);
    assert_eq!(response.head_seq, 12);
    assert_eq!(response.last_processed_device_seq, 1);
    assert_eq!(response.results[0].outcome, OpOutcome::Accepted { seq: 9 });
}
