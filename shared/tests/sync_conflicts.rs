//! The "needs attention" inbox: what it shows, and each thing the user can do about an entry.

mod sync_support;
mod unit_support;

use serialtrack_shared::sync::*;
use serialtrack_shared::unit::*;
use sync_support::*;

/// Device A allocated unit 1 offline while device B quarantined it: the server refused A's allocation.
fn given_a_refused_allocation() -> (DeviceReplica, ModelServer) {
    let (mut a, mut b, mut server) =
        (DeviceReplica::new("tablet-a"), DeviceReplica::new("tablet-b"), ModelServer::default());
    record(&mut a, unit_key(1), commission(), 1);
    sync(&mut a, &mut server);
    sync(&mut b, &mut server);
    record(&mut b, unit_key(1), UnitCommand::Quarantine { reason: "dented box".into() }, 2);
    sync(&mut b, &mut server);
    record(&mut a, unit_key(1), UnitCommand::Allocate { order: "SO-1".into() }, 3);
    sync(&mut a, &mut server);
    assert_eq!(a.conflicts().len(), 1);
    (a, server)
}

fn resolve(device: &mut DeviceReplica, resolution: Resolution) -> Result<Option<PendingOp>, ConflictError> {
    with_context(|context| device.resolve_conflict(op_id(3), resolution, context))
}

#[test]
fn an_entry_shows_what_i_did_what_the_server_had_and_why() {
    let (a, _server) = given_a_refused_allocation();
    let conflict = &a.conflicts()[0];
    assert_eq!(conflict.what_was_attempted(), r#"allocated (order "SO-1")"#);
    let had = conflict.what_the_server_had().unwrap();
    assert_eq!((had.by.as_str(), had.device_id.as_deref()), ("supervisor-user", Some("tablet-b")));
    assert_eq!(conflict.server_unit().unwrap().status, UnitStatus::Quarantine);
    assert_eq!(conflict.refused.code.code(), "invalid_transition");
    assert_eq!(conflict.refused.message, "a unit in quarantine cannot be allocated to an order");
}

#[test]
fn discarding_removes_the_entry_and_records_nothing() {
    let (mut a, server) = given_a_refused_allocation();
    assert_eq!(resolve(&mut a, Resolution::Discard).unwrap(), None);
    assert!(a.conflicts().is_empty());
    assert!(a.outbox().is_empty());
    assert_eq!(server.refused_ops.len(), 1, "the server still keeps the refused op");
}

#[test]
fn escalating_flags_the_entry_and_keeps_it_in_the_inbox() {
    let (mut a, _server) = given_a_refused_allocation();
    assert_eq!(resolve(&mut a, Resolution::Escalate).unwrap(), None);
    assert!(a.conflicts()[0].escalated);
}

#[test]
fn an_escalation_waits_to_be_sent_until_the_server_acknowledges_it() {
    let (mut a, _server) = given_a_refused_allocation();
    assert!(a.escalations_to_send().is_empty(), "nothing escalated yet");
    resolve(&mut a, Resolution::Escalate).unwrap();
    assert_eq!(a.escalations_to_send(), [op_id(3)], "escalated: the sync loop sends it");
    a.on_escalation_sent(op_id(3));
    assert!(a.escalations_to_send().is_empty(), "acknowledged: not sent again");
    assert!(a.conflicts()[0].escalated, "and it stays in the inbox until someone resolves it");
    resolve(&mut a, Resolution::Discard).unwrap();
    a.on_escalation_sent(op_id(3));
    assert!(a.conflicts().is_empty(), "an acknowledgement for a discarded entry changes nothing");
}

#[test]
fn redoing_on_a_state_that_still_refuses_keeps_the_entry() {
    let (mut a, _server) = given_a_refused_allocation();
    let outcome = resolve(&mut a, Resolution::Redo { new_op_id: op_id(4) });
    assert!(
        matches!(outcome, Err(ConflictError::StillRefused(ref refusal)) if refusal.code == RefusalCode::InvalidTransition)
    );
    assert_eq!(a.conflicts().len(), 1);
    assert!(a.outbox().is_empty());
}

#[test]
fn keeping_as_a_note_works_where_a_redo_cannot() {
    let (mut a, mut server) = given_a_refused_allocation();
    let mut quality = DeviceReplica::new("tablet-q");
    sync(&mut quality, &mut server);
    record(&mut quality, unit_key(1), UnitCommand::FailInspection { reason: "crushed".into() }, 5);
    sync(&mut quality, &mut server);
    sync(&mut a, &mut server);
    assert!(resolve(&mut a, Resolution::Redo { new_op_id: op_id(6) }).is_err(), "a damaged unit cannot be allocated");
    let kept = resolve(&mut a, Resolution::KeepAsNote { new_op_id: op_id(6) }).unwrap().unwrap();
    assert_eq!(kept.op_id, op_id(6));
    assert!(a.conflicts().is_empty());
}

#[test]
fn redo_gives_the_new_op_a_new_op_id_and_the_next_device_seq() {
    let (mut a, mut server) = given_a_refused_allocation();
    let mut quality = DeviceReplica::new("tablet-q");
    sync(&mut quality, &mut server);
    record(&mut quality, unit_key(1), UnitCommand::ResolveQuarantine { notes: None }, 7);
    sync(&mut quality, &mut server);
    sync(&mut a, &mut server);
    let redone = resolve(&mut a, Resolution::Redo { new_op_id: op_id(8) }).unwrap().unwrap();
    assert_eq!(redone.op_id, op_id(8));
    assert_eq!(redone.device_seq, 3, "ops 1 and 2 were the commissioning and the refused allocation");
    assert_eq!(redone.command().unwrap(), UnitCommand::Allocate { order: "SO-1".into() });
    assert!(a.conflicts().is_empty());
    sync(&mut a, &mut server);
    assert_eq!(a.confirmed(&unit_key(1)).unwrap().unit.status, UnitStatus::Allocated);
}

#[test]
fn keeping_as_a_note_records_the_attempt_on_the_unit_s_history() {
    let (mut a, mut server) = given_a_refused_allocation();
    let kept = resolve(&mut a, Resolution::KeepAsNote { new_op_id: op_id(4) }).unwrap().unwrap();
    let Some(UnitCommand::AddNote { text }) = kept.command() else { panic!("not a note: {:?}", kept.command) };
    assert!(text.starts_with(r#"Not applied: allocated (order "SO-1") by supervisor-user"#), "{text}");
    assert!(text.contains("invalid_transition: a unit in quarantine cannot be allocated to an order"), "{text}");
    assert!(a.conflicts().is_empty());
    sync(&mut a, &mut server);
    let last = server.events_of(&unit_key(1)).pop().unwrap();
    assert_eq!(last.event.what, UnitCommand::AddNote { text });
}

#[test]
fn resolving_an_op_that_is_not_in_the_inbox_says_so() {
    let mut device = DeviceReplica::new("tablet-a");
    let outcome = with_context(|context| device.resolve_conflict(op_id(99), Resolution::Discard, context));
    assert_eq!(outcome.unwrap_err().to_string(), format!("there is no conflict with op {} in the inbox", op_id(99)));
}
