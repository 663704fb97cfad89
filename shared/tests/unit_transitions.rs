//! Given/when/then tables of the unit lifecycle: every allowed transition, every refused one, the workflow's
//! roles and approvals, FMD's undo guards, and the facts accepted in almost any state.

mod unit_support;

use serialtrack_shared::unit::*;
use unit_support::*;

#[test]
fn every_transition_of_the_table_is_accepted_and_lands_where_the_table_says() {
    for step in TRANSITIONS {
        let given = unit_in(step.from);
        let events = decide(Some(&given), &sample(step.command))
            .unwrap_or_else(|refusal| panic!("{} → {} refused: {refusal}", step.from, step.to));
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].from, events[0].to), (Some(step.from), step.to));
        let then = apply(Some(given), &record(events[0].clone(), NOW, 1)).expect("apply agrees with handle");
        assert_eq!(then.status, step.to, "{} → {}", step.from, step.to);
    }
}

/// Given a unit in any status, when a move of the table that does not start there is asked, then the refusal
/// reads as English: a phrase of its own for each command, no code words, and the status in words.
#[test]
fn every_refused_move_of_the_table_reads_as_a_sentence_of_its_own() {
    let examples = [
        (UnitStatus::Shipped, CommandKind::CancelAllocation, "a shipped unit cannot have its allocation cancelled"),
        (UnitStatus::Quarantine, CommandKind::Allocate, "a unit in quarantine cannot be allocated to an order"),
        (
            UnitStatus::Available,
            CommandKind::UndoDecommission,
            "an available unit cannot have a decommissioning undone",
        ),
        (UnitStatus::Picked, CommandKind::ResolveQuarantine, "a picked unit cannot be released from quarantine"),
    ];
    for (from, kind, sentence) in examples {
        let refusal = decide(Some(&unit_in(from)), &sample(kind)).unwrap_err();
        assert_eq!((refusal.code, refusal.message.as_str()), (RefusalCode::InvalidTransition, sentence));
    }
    for from in UnitStatus::ALL {
        let mut sentences = std::collections::HashSet::new();
        for step in TRANSITIONS.iter().filter(|step| transition(from, step.command).is_none()) {
            let refusal = decide(Some(&unit_in(from)), &sample(step.command)).unwrap_err();
            let words = &refusal.message;
            assert!(!words.contains('_') && words.contains(" cannot "), "{from} {:?}: {words}", step.command);
            assert!(words.starts_with(refusal_words::unit_that_is(from)), "{words}: the status in words");
            sentences.insert((step.command, words.clone()));
        }
        let commands: std::collections::HashSet<_> = sentences.iter().map(|(command, _)| *command).collect();
        let words: std::collections::HashSet<_> = sentences.iter().map(|(_, words)| words.clone()).collect();
        assert_eq!(commands.len(), words.len(), "one phrase per command from {from}");
    }
}

#[test]
fn every_status_pair_outside_the_table_is_refused_as_an_invalid_transition() {
    let mut refused_pairs = 0;
    for from in UnitStatus::ALL {
        for to in UnitStatus::ALL {
            if from == to || is_allowed(from, to) {
                continue;
            }
            refused_pairs += 1;
            // No command of any kind may move a unit from `from` to `to`.
            for kind in ALL_KINDS {
                if let Ok(events) = decide(Some(&unit_in(from)), &sample(kind)) {
                    assert_ne!(events[0].to, to, "{kind:?} moved {from} → {to}, which the table forbids");
                }
            }
        }
    }
    assert_eq!(refused_pairs, 11 * 10 - TRANSITIONS.iter().filter(|t| t.from != t.to).count());
}

#[test]
fn every_transition_command_not_in_the_table_for_a_status_is_refused_with_its_code() {
    for from in UnitStatus::ALL {
        for kind in ALL_KINDS.into_iter().filter(|kind| is_transition(*kind)) {
            if transition(from, kind).is_some() {
                continue;
            }
            let refusal = decide(Some(&unit_in(from)), &sample(kind)).expect_err("not in the table");
            assert_eq!(refusal.code, RefusalCode::InvalidTransition, "{kind:?} from {from}");
            assert!(
                refusal.message.contains(&from.label().to_lowercase()),
                "the sentence names the status: {}",
                refusal.message
            );
        }
    }
}

#[test]
fn commissioning_creates_a_unit_once() {
    let events = decide(None, &sample(CommandKind::Commission)).unwrap();
    assert_eq!((events[0].from, events[0].to), (None, UnitStatus::Available));
    let refusal = decide(Some(&unit_in(UnitStatus::Available)), &sample(CommandKind::Commission)).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::UnitAlreadyExists);
    for kind in ALL_KINDS.into_iter().filter(|kind| *kind != CommandKind::Commission) {
        assert_eq!(decide(None, &sample(kind)).unwrap_err().code, RefusalCode::UnitNotFound, "{kind:?}");
    }
}

#[test]
fn facts_are_accepted_in_every_open_status_and_only_notes_on_closed_units() {
    let facts = [
        CommandKind::Move,
        CommandKind::TransferOwnership,
        CommandKind::Pack,
        CommandKind::Inspect,
        CommandKind::RecordService,
        CommandKind::AddNote,
        CommandKind::ReplaceSerial,
    ];
    for status in UnitStatus::ALL {
        for kind in facts {
            let outcome = decide(Some(&unit_in(status)), &sample(kind));
            if status.is_closed() && kind != CommandKind::AddNote {
                assert_eq!(outcome.unwrap_err().code, RefusalCode::UnitClosed, "{kind:?} on {status}");
            } else {
                let events = outcome.unwrap_or_else(|r| panic!("{kind:?} on {status}: {r}"));
                assert_eq!((events[0].from, events[0].to), (Some(status), status), "a fact keeps the status");
            }
        }
    }
}

#[test]
fn shipping_a_scrapped_unit_is_refused() {
    let refusal = decide(Some(&unit_in(UnitStatus::Damaged)), &sample(CommandKind::Ship)).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::InvalidTransition);
}

#[test]
fn packing_needs_an_unpacked_unit_and_unpacking_a_packed_one() {
    let unpacked = unit_in(UnitStatus::Available);
    assert_eq!(decide(Some(&unpacked), &UnitCommand::Unpack).unwrap_err().code, RefusalCode::PackingMismatch);
    let events = decide(Some(&unpacked), &sample(CommandKind::Pack)).unwrap();
    let packed = apply(Some(unpacked), &record(events[0].clone(), NOW, 1)).unwrap();
    assert!(packed.parent.is_some());
    assert_eq!(decide(Some(&packed), &sample(CommandKind::Pack)).unwrap_err().code, RefusalCode::PackingMismatch);
    assert!(decide(Some(&packed), &UnitCommand::Unpack).is_ok());
}

fn context_for<'a>(actor: &'a Actor, workflow: &'a WorkflowSettings, approval: Option<Approval>) -> CommandContext<'a> {
    CommandContext { actor, now: NOW, workflow, approval }
}

#[test]
fn releasing_a_unit_from_quarantine_needs_a_second_persons_approval() {
    let given = unit_in(UnitStatus::Quarantine);
    let workflow = WorkflowSettings::default();
    let operator = actor(Role::Operator);
    let resolve = sample(CommandKind::ResolveQuarantine);
    // (approval given, accepted?)
    let cases = [
        (None, false),
        (Some(Approval { by: "op2".into(), role: Role::Operator }), false),
        (Some(Approval { by: operator.name.clone(), role: Role::Supervisor }), false),
        (Some(Approval { by: "quality-user".into(), role: Role::Quality }), true),
    ];
    for (approval, accepted) in cases {
        let outcome = handle(Some(&given), &resolve, &context_for(&operator, &workflow, approval.clone()));
        assert_eq!(outcome.is_ok(), accepted, "{approval:?}: {outcome:?}");
        match outcome {
            Ok(events) => assert_eq!(events[0].approved_by, approval),
            Err(refusal) => assert_eq!(refusal.code, RefusalCode::ApprovalRequired),
        }
    }
}

#[test]
fn a_workflow_can_restrict_a_transition_to_roles() {
    let workflow = WorkflowSettings {
        restricted: vec![RoleRestriction {
            from: UnitStatus::Delivered,
            to: UnitStatus::Recalled,
            roles: vec![Role::Quality],
        }],
        ..WorkflowSettings::default()
    };
    let given = unit_in(UnitStatus::Delivered);
    let recall = sample(CommandKind::Recall);
    for role in Role::ALL {
        let actor = actor(role);
        let outcome = handle(Some(&given), &recall, &context_for(&actor, &workflow, None));
        assert_eq!(outcome.is_ok(), role == Role::Quality, "{role:?}");
        if let Err(refusal) = outcome {
            assert_eq!(refusal.code, RefusalCode::RoleNotAllowed);
        }
    }
}

#[test]
fn auditors_change_nothing() {
    let workflow = WorkflowSettings::default();
    let auditor = actor(Role::Auditor);
    let refusal = handle(
        Some(&unit_in(UnitStatus::Available)),
        &sample(CommandKind::AddNote),
        &context_for(&auditor, &workflow, None),
    )
    .unwrap_err();
    assert_eq!(refusal.code, RefusalCode::RoleNotAllowed);
}

#[test]
fn undoing_a_decommissioning_follows_fmd_article_13() {
    let undo = UnitCommand::UndoDecommission;
    let base = unit_in(UnitStatus::Decommissioned);
    let with = |change: &dyn Fn(&mut Unit)| {
        let mut unit = base.clone();
        change(&mut unit);
        unit
    };
    let decommissioning = base.decommissioned.clone().unwrap();
    // (given, expected refusal or None when accepted)
    let cases: Vec<(Unit, Option<RefusalCode>)> = vec![
        (base.clone(), None),
        (
            with(&|u| {
                u.decommissioned =
                    Some(Decommissioning { at: NOW - time::Duration::days(11), ..decommissioning.clone() })
            }),
            Some(RefusalCode::UndoWindowPassed),
        ),
        (
            with(&|u| {
                u.decommissioned = Some(Decommissioning { party: Some("CMO".into()), ..decommissioning.clone() })
            }),
            Some(RefusalCode::UndoByOtherParty),
        ),
        (with(&|u| u.expiry = Some(time::macros::date!(2026 - 11 - 01))), Some(RefusalCode::UndoExpired)),
        (
            with(&|u| {
                u.decommissioned =
                    Some(Decommissioning { reason: DecommissionReason::Stolen, ..decommissioning.clone() })
            }),
            Some(RefusalCode::UndoNotAllowedForReason),
        ),
        (
            with(&|u| {
                u.decommissioned =
                    Some(Decommissioning { reason: DecommissionReason::Destroyed, ..decommissioning.clone() })
            }),
            Some(RefusalCode::UndoNotAllowedForReason),
        ),
        (with(&|u| u.ever_recalled = true), Some(RefusalCode::UndoNotAllowedForReason)),
    ];
    for (given, expected) in cases {
        let outcome = decide(Some(&given), &undo);
        assert_eq!(outcome.as_ref().err().map(|r| r.code), expected, "{:?}", given.decommissioned);
    }
    let operator = actor(Role::Operator);
    let workflow = WorkflowSettings::default();
    let refusal = handle(Some(&base), &undo, &context_for(&operator, &workflow, None)).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::RoleNotAllowed, "by default only supervisors, quality and admins undo");
}

#[test]
fn empty_or_overlong_texts_are_refused() {
    let given = unit_in(UnitStatus::Available);
    for command in [
        UnitCommand::AddNote { text: "   ".into() },
        UnitCommand::Quarantine { reason: String::new() },
        UnitCommand::Move { location: "x".repeat(501) },
        UnitCommand::Move { location: "9520123456789".into() },
    ] {
        assert_eq!(decide(Some(&given), &command).unwrap_err().code, RefusalCode::InvalidInput, "{command:?}");
    }
}

#[test]
fn each_event_maps_to_epcis_as_the_standards_table_says() {
    let mapping = |status: UnitStatus, kind: CommandKind| {
        let events = decide(Some(&unit_in(status)), &sample(kind)).unwrap();
        epcis_mapping(&events[0])
    };
    let commissioned = epcis_mapping(&decide(None, &sample(CommandKind::Commission)).unwrap()[0]);
    assert_eq!(
        (commissioned.action, commissioned.biz_step, commissioned.disposition),
        (EpcisAction::Add, "commissioning", Some("active"))
    );
    let shipped = mapping(UnitStatus::Picked, CommandKind::Ship);
    assert_eq!((shipped.biz_step, shipped.disposition), ("shipping", Some("in_transit")));
    let packed = mapping(UnitStatus::Available, CommandKind::Pack);
    assert_eq!(packed.event_type, EpcisEventType::AggregationEvent);
    let decommissioned = mapping(UnitStatus::Available, CommandKind::Decommission);
    assert_eq!((decommissioned.action, decommissioned.biz_step), (EpcisAction::Delete, "decommissioning"));
    let recalled = mapping(UnitStatus::Delivered, CommandKind::Recall);
    assert_eq!(recalled.disposition, Some("recalled"));
}

#[test]
fn events_and_commands_round_trip_through_json_and_newer_schemas_are_refused() {
    let event =
        record(decide(Some(&unit_in(UnitStatus::Allocated)), &sample(CommandKind::Ship)).unwrap().remove(0), NOW, 7);
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["event"]["what"]["type"], "ship");
    assert_eq!(upcast(json.clone()).unwrap(), event);
    let mut newer = json;
    newer["schema_version"] = (EVENT_SCHEMA_VERSION + 1).into();
    assert!(matches!(upcast(newer), Err(VersionError::UpgradeRequired { .. })));
}

#[test]
fn versioned_commands_upcast_and_newer_ones_ask_for_an_upgrade() {
    let command = VersionedCommand {
        schema_version: COMMAND_SCHEMA_VERSION,
        op_id: uuid::Uuid::from_u128(42),
        unit: key(),
        command: sample(CommandKind::Quarantine),
    };
    let json = serde_json::to_value(&command).unwrap();
    assert_eq!(upcast_command(json.clone()).unwrap(), command);
    let mut newer = json.clone();
    newer["schema_version"] = (COMMAND_SCHEMA_VERSION + 1).into();
    assert!(matches!(upcast_command(newer), Err(VersionError::UpgradeRequired { .. })));
    let mut unversioned = json;
    unversioned.as_object_mut().unwrap().remove("schema_version");
    assert!(matches!(upcast_command(unversioned), Err(VersionError::TooOld { .. })));
}
