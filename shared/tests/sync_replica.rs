//! Given/when/then scenarios of the device's side of sync: recording, the optimistic view, push answers,
//! pull pages, snapshots and resets — against the in-memory model server.

mod sync_support;
mod unit_support;

use serialtrack_shared::sync::*;
use serialtrack_shared::unit::*;
use sync_support::*;
use unit_support::NOW;

/// Device B quarantines unit 1 on the server, after both devices saw it commissioned.
fn given_a_unit_quarantined_elsewhere() -> (DeviceReplica, DeviceReplica, ModelServer) {
    let (mut a, mut b, mut server) =
        (DeviceReplica::new("tablet-a"), DeviceReplica::new("tablet-b"), ModelServer::default());
    record(&mut a, unit_key(1), commission(), 1);
    sync(&mut a, &mut server);
    sync(&mut b, &mut server);
    record(&mut b, unit_key(1), UnitCommand::Quarantine { reason: "dented box".into() }, 2);
    sync(&mut b, &mut server);
    (a, b, server)
}

fn pull_page(device: &DeviceReplica, server: &ModelServer) -> PullResponse {
    match server.pull(device.device_id(), &device.pull_request(), 500) {
        PullAnswer::Page(page) => page,
        PullAnswer::Reset { why } => panic!("unexpected reset: {}", why.message()),
    }
}

#[test]
fn recording_allocates_device_seqs_in_order_and_remembers_what_the_user_could_see() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    let first = record(&mut device, unit_key(1), commission(), 1);
    sync(&mut device, &mut server);
    let second = record(&mut device, unit_key(1), note("checked"), 2);
    assert_eq!((first.device_seq, second.device_seq), (1, 2));
    assert_eq!((first.cursor_when_acted, second.cursor_when_acted), (0, 1));
    assert_eq!(second.device_id, "tablet-a");
    assert_eq!(second.client_time, NOW);
}

#[test]
fn a_command_the_device_can_already_see_is_invalid_is_refused_and_not_queued() {
    let mut device = DeviceReplica::new("tablet-a");
    let refused = with_context(|context| device.record(unit_key(1), ship(), context, op_id(1)));
    assert_eq!(refused.unwrap_err().code, RefusalCode::UnitNotFound);
    assert!(device.outbox().is_empty());
    assert_eq!(record(&mut device, unit_key(1), commission(), 2).device_seq, 1, "no device_seq was used up");
}

#[test]
fn the_optimistic_view_is_the_confirmed_unit_with_the_device_s_ops_on_top() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    record(&mut device, unit_key(1), commission(), 1);
    sync(&mut device, &mut server);
    record(&mut device, unit_key(1), UnitCommand::Allocate { order: "SO-1".into() }, 2);
    record(&mut device, unit_key(1), ship(), 3);
    assert_eq!(device.confirmed(&unit_key(1)).unwrap().unit.status, UnitStatus::Available);
    let view = device.optimistic(&unit_key(1), &default_workflow());
    assert_eq!(view.unit.unwrap().status, UnitStatus::Shipped);
    let statuses: Vec<OpStatus> = view.ops.iter().map(|op| op.status).collect();
    assert_eq!(statuses, [OpStatus::Queued, OpStatus::Queued]);
}

#[test]
fn an_op_that_no_longer_fits_after_a_pull_is_a_predicted_conflict_and_is_still_pushed() {
    let (mut a, _b, server) = given_a_unit_quarantined_elsewhere();
    record(&mut a, unit_key(1), UnitCommand::Allocate { order: "SO-1".into() }, 3);
    record(&mut a, unit_key(1), note("allocated for SO-1"), 4);
    a.on_pull_page(&pull_page(&a, &server)).unwrap();
    let view = a.optimistic(&unit_key(1), &default_workflow());
    assert_eq!(view.unit.as_ref().unwrap().status, UnitStatus::Quarantine);
    assert_eq!(view.ops[0].status, OpStatus::PredictedConflict);
    assert_eq!(view.ops[0].predicted_refusal.as_ref().unwrap().code, RefusalCode::InvalidTransition);
    assert_eq!(view.ops[1].status, OpStatus::Queued, "the note still fits");
    assert_eq!(a.next_push().unwrap().ops.len(), 2, "only the server decides");
}

#[test]
fn an_accepted_op_stays_in_the_view_as_confirmed_until_the_pull_brings_its_event() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    let op = record(&mut device, unit_key(1), commission(), 1);
    let request = device.next_push().unwrap();
    assert_eq!(device.op_status(op.op_id), Some(OpStatus::Sending));
    device.on_push_response(&server.push(&request));
    assert_eq!(device.op_status(op.op_id), Some(OpStatus::Confirmed));
    assert!(device.confirmed(&unit_key(1)).is_none());
    assert!(device.optimistic(&unit_key(1), &default_workflow()).unit.is_some(), "no flicker");
    device.on_pull_page(&pull_page(&device, &server)).unwrap();
    assert!(device.outbox().is_empty(), "the cursor passed its event");
    assert_eq!(device.confirmed(&unit_key(1)).unwrap().last_seq, 1);
}

#[test]
fn a_refused_op_moves_to_the_conflict_inbox_with_what_the_server_had() {
    let (mut a, _b, mut server) = given_a_unit_quarantined_elsewhere();
    let op = record(&mut a, unit_key(1), UnitCommand::Allocate { order: "SO-1".into() }, 3);
    push_once(&mut a, &mut server);
    assert!(a.outbox().is_empty());
    assert_eq!(a.op_status(op.op_id), Some(OpStatus::Refused));
    let conflict = &a.conflicts()[0];
    assert_eq!(conflict.op, op);
    assert_eq!(conflict.refused.code, RefusalCode::InvalidTransition);
    assert_eq!(conflict.server_unit().unwrap().status, UnitStatus::Quarantine);
    let last = conflict.what_the_server_had().unwrap();
    assert_eq!((last.seq, last.device_id.as_deref()), (2, Some("tablet-b")));
    assert_eq!(server.refused_ops, vec![op], "the server keeps the refused payload too");
}

#[test]
fn a_lost_push_answer_is_learned_from_the_next_pull_without_pushing_again() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    let op = record(&mut device, unit_key(1), commission(), 1);
    let _lost = server.push(&device.next_push().unwrap());
    device.on_push_failed();
    assert_eq!(device.op_status(op.op_id), Some(OpStatus::Queued));
    device.on_pull_page(&pull_page(&device, &server)).unwrap();
    assert!(device.outbox().is_empty());
    assert!(device.next_push().is_none());
}

#[test]
fn a_retried_push_gets_the_stored_results_and_makes_no_new_event() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    record(&mut device, unit_key(1), commission(), 1);
    record(&mut device, unit_key(1), UnitCommand::Allocate { order: "SO-1".into() }, 2);
    let first = server.push(&device.next_push().unwrap());
    device.on_push_failed();
    let again = server.push(&device.next_push().unwrap());
    assert_eq!(again.results, first.results);
    assert_eq!(server.head(), 2);
}

#[test]
fn a_page_applied_twice_changes_nothing_the_second_time() {
    let (_a, mut b, server) = given_a_unit_quarantined_elsewhere();
    b.on_reset();
    let page = pull_page(&b, &server);
    b.on_pull_page(&page).unwrap();
    let once = b.clone();
    let progress = b.on_pull_page(&page).unwrap();
    assert_eq!(b, once);
    assert_eq!((progress.applied, progress.skipped), (0, 2));
}

#[test]
fn an_event_already_folded_into_a_snapshot_unit_is_skipped() {
    let (_a, _b, server) = given_a_unit_quarantined_elsewhere();
    let mut device = DeviceReplica::new("tablet-c");
    let mut snapshot = server.snapshot();
    // A snapshot read in pages over time: the unit already holds event 2, though the snapshot says "as of 1".
    snapshot.as_of_seq = 1;
    device.on_snapshot_page(&snapshot).unwrap();
    assert_eq!(device.cursor(), 1);
    let progress = device.on_pull_page(&pull_page(&device, &server)).unwrap();
    assert_eq!((progress.applied, progress.skipped), (0, 1));
    assert_eq!(device.confirmed(&unit_key(1)).unwrap().unit.status, UnitStatus::Quarantine);
    assert_eq!(device.cursor(), 2);
}

#[test]
fn pages_the_device_cannot_follow_ask_for_a_reset_and_change_nothing() {
    let (_a, b, server) = given_a_unit_quarantined_elsewhere();
    let mut fresh = DeviceReplica::new("tablet-c");
    let full_page = pull_page(&fresh, &server);
    let cases: Vec<(&str, &DeviceReplica, PullResponse, &str)> = vec![
        (
            "an event the state machine refuses",
            &fresh,
            {
                let mut p = full_page.clone();
                p.events.remove(0);
                p
            },
            "event_refused",
        ),
        (
            "events out of order",
            &fresh,
            {
                let mut p = full_page.clone();
                p.events.insert(1, p.events[0].clone());
                p
            },
            "events_out_of_order",
        ),
        (
            "a page of another log",
            &b,
            {
                let mut p = full_page.clone();
                p.log_epoch = op_id(0xBAD);
                p
            },
            "epoch_changed",
        ),
    ];
    for (scenario, device, page, reason) in cases {
        let mut device = device.clone();
        let before = device.clone();
        match device.on_pull_page(&page) {
            Err(PullProblem::Reset(why)) => {
                assert_eq!(serde_json::to_value(&why).unwrap()["reason"], reason, "{scenario}");
                assert!(!why.message().is_empty());
            }
            other => panic!("{scenario}: {other:?}"),
        }
        assert_eq!(device, before, "{scenario}: the page changed the device");
    }
    fresh.on_pull_page(&full_page).unwrap();
}

#[test]
fn a_reset_keeps_the_outbox_and_pushing_it_again_makes_no_duplicate_events() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    record(&mut device, unit_key(1), commission(), 1);
    push_once(&mut device, &mut server);
    record(&mut device, unit_key(1), note("after the push"), 2);
    device.on_reset();
    assert_eq!((device.cursor(), device.log_epoch()), (0, None));
    assert!(device.confirmed_units().next().is_none());
    assert_eq!(device.outbox().len(), 2, "the outbox stays");
    assert!(device.outbox().entries().all(|entry| entry.delivery == Delivery::Queued));
    device.on_snapshot_page(&server.snapshot()).unwrap();
    sync(&mut device, &mut server);
    assert_eq!(server.head(), 2, "the commissioning was not recorded twice");
    assert_eq!(device.confirmed(&unit_key(1)).unwrap().unit.version, 2);
}

/// The server restored from `backup` (a new epoch, as `serialtrack restore` gives): the device resets, takes
/// the snapshot and is ready to push again.
fn restore(device: &mut DeviceReplica, backup: &ModelServer) -> ModelServer {
    let server = ModelServer { epoch: uuid::Uuid::from_u128(0xBAC0), ..backup.clone() };
    match server.pull(device.device_id(), &device.pull_request(), 7) {
        PullAnswer::Reset { .. } => device.on_reset(),
        PullAnswer::Page(_) => panic!("a new epoch resets the device"),
    }
    device.on_snapshot_page(&server.snapshot()).unwrap();
    server
}

#[test]
fn ops_the_device_let_go_are_pushed_again_from_its_journal_after_a_restore() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    let backup = server.clone();
    record(&mut device, unit_key(1), commission(), 1);
    sync(&mut device, &mut server);
    assert!(device.outbox().is_empty(), "op 1 is folded in and let go");
    assert_eq!(device.journal().len(), 1, "and kept in the journal");
    record(&mut device, unit_key(1), note("after"), 2);
    // The server comes back from a backup taken before op 1: it waits for an op the outbox no longer has.
    server = restore(&mut device, &backup);
    let response = push_once(&mut device, &mut server);
    assert_eq!(response.stopped, Some(Stop::Gap { expected: 1 }));
    assert_eq!(device.push_blocked(), None, "the journal fills the gap");
    sync(&mut device, &mut server);
    assert_eq!(server.head(), 2, "both ops are in the restored log");
    assert_eq!(device.confirmed(&unit_key(1)).unwrap().unit.version, 2);
    assert_eq!(device.journal().len(), 2);
}

#[test]
fn a_refusal_the_server_lost_is_recorded_again_not_run_and_not_shown_twice() {
    let (mut a, _b, mut server) = given_a_unit_quarantined_elsewhere();
    let backup = server.clone();
    let refused = record(&mut a, unit_key(1), UnitCommand::Allocate { order: "SO-1".into() }, 3);
    sync(&mut a, &mut server);
    assert_eq!(a.conflicts().len(), 1);
    // Release the unit, so that run again the allocation would now be accepted.
    record(&mut a, unit_key(1), UnitCommand::ResolveQuarantine { notes: None }, 4);
    sync(&mut a, &mut server);
    let head_before_restore = backup.head();
    server = restore(&mut a, &backup);
    record(&mut a, unit_key(1), note("after the restore"), 5);
    sync(&mut a, &mut server);
    assert_eq!(a.conflicts().len(), 1, "the refusal is shown once");
    assert_eq!(a.op_status(refused.op_id), Some(OpStatus::Refused));
    let recorded = &server.results[&refused.op_id];
    assert!(matches!(&recorded.outcome, OpOutcome::Refused(again) if again.code == RefusalCode::InvalidTransition));
    assert_eq!(server.head(), head_before_restore + 2, "the release and the note, not the allocation");
    assert!(server.log.iter().all(|event| event.event_id != refused.op_id));
}

#[test]
fn a_gap_older_than_the_journal_blocks_pushing_and_says_why() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    let backup = server.clone();
    record(&mut device, unit_key(1), commission(), 1);
    sync(&mut device, &mut server);
    // A device whose data has no journal (kept by an older app version).
    let mut json = serde_json::to_value(&device).unwrap();
    json.as_object_mut().unwrap().remove("journal");
    device = serde_json::from_value(json).unwrap();
    record(&mut device, unit_key(1), note("after"), 2);
    server = restore(&mut device, &backup);
    push_once(&mut device, &mut server);
    assert_eq!(device.push_blocked(), Some(&Stop::Gap { expected: 1 }));
    assert_eq!(device.outbox().len(), 1, "the op waits");
}

#[test]
fn upgrade_required_keeps_the_outbox_and_is_shown() {
    let mut device = DeviceReplica::new("tablet-a");
    record(&mut device, unit_key(1), commission(), 1);
    let request = device.next_push().unwrap();
    let stop = Stop::UpgradeRequired { found: 1, oldest: 2, newest: 2 };
    let response =
        PushResponse { results: vec![], last_processed_device_seq: 0, head_seq: 0, stopped: Some(stop.clone()) };
    device.on_push_response(&response);
    assert_eq!(device.push_blocked(), Some(&stop));
    assert_eq!(device.op_status(request.ops[0].op_id), Some(OpStatus::Queued));
}

#[test]
fn a_device_s_whole_sync_state_survives_a_round_trip_through_json() {
    let (mut a, _b, mut server) = given_a_unit_quarantined_elsewhere();
    record(&mut a, unit_key(1), UnitCommand::Allocate { order: "SO-1".into() }, 3);
    record(&mut a, unit_key(2), commission(), 4);
    push_once(&mut a, &mut server);
    let json = serde_json::to_string(&a).expect("a device's state is JSON");
    assert_eq!(serde_json::from_str::<DeviceReplica>(&json).unwrap(), a);
}

#[test]
fn ops_the_server_acknowledged_then_lost_in_a_restore_are_pushed_again() {
    let (mut device, mut server) = (DeviceReplica::new("tablet-a"), ModelServer::default());
    let backup = server.clone();
    record(&mut device, unit_key(1), commission(), 1);
    push_once(&mut device, &mut server);
    record(&mut device, unit_key(1), note("after"), 2);
    server = backup;
    let response = push_once(&mut device, &mut server);
    assert_eq!(response.stopped, Some(Stop::Gap { expected: 1 }));
    assert_eq!(device.push_blocked(), None, "the outbox still holds op 1");
    push_once(&mut device, &mut server);
    assert_eq!(server.head(), 2);
    assert!(device.outbox().entries().all(|entry| matches!(entry.delivery, Delivery::Acked { .. })));
}
