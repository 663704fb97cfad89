//! The device's sync state in IndexedDB, in a real (headless) Chromium: the outbox in device_seq order, a
//! refused action that queues nothing, a refused push moving its op to the conflicts store, and migrations: from
//! version 1 with data, from version 3 with changes waiting, and past a later version with a non-empty outbox.
#![cfg(target_arch = "wasm32")]

mod support;

use serialtrack_app::db::{LocalDb, Step, SCHEMA_VERSION};
use serialtrack_app::model::{HistoryRecord, ProductRecord, UnitRecord};
use serialtrack_app::replica_parts::{ReplicaParts, StoredConflict, StoredOp};
use serialtrack_app::sync_wire::unit_record;
use serialtrack_shared::ids::{Gtin, Serial};
use serialtrack_shared::sync::{
    ConfirmedUnit, Delivery, DeviceReplica, OpOutcome, OpResult, PushResponse, RefusedOp, SnapshotPage, SnapshotUnit,
};
use serialtrack_shared::unit::{
    Actor, CommandContext, RefusalCode, Role, Unit, UnitCommand, UnitKey, WorkflowSettings,
};
use support::{json, write_as_before};
use uuid::Uuid;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name(test: &str) -> String {
    format!("serialtrack-sync-test-{test}-{}", js_sys::Math::random())
}

fn key(serial: &str) -> UnitKey {
    UnitKey::sgtin(&Gtin::parse("09506000134352").unwrap(), Serial::parse(serial).unwrap())
}

const STORAGE_KEY: &str = "09506000134352/A1";

/// Records `command` on unit A1 the way the unit screen does: one strict transaction.
async fn record(db: &LocalDb, command: UnitCommand, op: u128) -> Result<(), String> {
    let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
    let workflow = WorkflowSettings::default();
    let now = time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
    let context = CommandContext { actor: &actor, now, workflow: &workflow, approval: None };
    db.replica_step(&[STORAGE_KEY.to_owned()], true, |replica| {
        match replica.record(key("A1"), command, &context, Uuid::from_u128(op)) {
            Ok(_) => Step::commit(Ok(())),
            Err(refusal) => Step::roll_back(Err(refusal.message)),
        }
    })
    .await
    .unwrap()
}

fn commission() -> UnitCommand {
    UnitCommand::Commission { lot: None, expiry: None, location: Some("Line 1".into()), owner: None }
}

/// A unit as another device's commissioning made it (what a snapshot brings).
fn commissioned_elsewhere(serial: &str) -> Unit {
    let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
    let workflow = WorkflowSettings::default();
    let now = time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
    let context = CommandContext { actor: &actor, now, workflow: &workflow, approval: None };
    let mut elsewhere = DeviceReplica::new("elsewhere");
    elsewhere.record(key(serial), commission(), &context, Uuid::from_u128(77)).unwrap();
    elsewhere.optimistic(&key(serial), &workflow).unit.unwrap()
}

#[wasm_bindgen_test]
async fn the_outbox_keeps_ops_in_device_seq_order_and_the_unit_shows_them() {
    let db = LocalDb::open(&fresh_name("order")).await.unwrap();
    record(&db, commission(), 1).await.unwrap();
    record(&db, UnitCommand::Move { location: "Dock 3".into() }, 2).await.unwrap();
    record(&db, UnitCommand::AddNote { text: "dented box".into() }, 3).await.unwrap();
    let outbox = db.outbox().await.unwrap();
    let seqs: Vec<u64> = outbox.iter().map(|entry| entry.op.device_seq).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert!(outbox.iter().all(|entry| entry.delivery == Delivery::Queued));
    assert_eq!(outbox[2].op.op_id, Uuid::from_u128(3));
    // The display record follows the optimistic view in the same transaction.
    let shown = db.unit(STORAGE_KEY).await.unwrap().expect("the unit is shown");
    assert_eq!((shown.status.as_str(), shown.location.as_deref()), ("available", Some("Dock 3")));
    let device_id: Option<String> = db.meta("device_id").await.unwrap();
    assert!(device_id.is_some_and(|id| id.len() >= 32), "a device id is made on first use");
}

#[wasm_bindgen_test]
async fn an_action_the_device_refuses_queues_nothing_and_uses_no_device_seq() {
    let db = LocalDb::open(&fresh_name("refused")).await.unwrap();
    record(&db, commission(), 1).await.unwrap();
    let refused = record(&db, UnitCommand::Ship { carrier: None, tracking: None, destination: None }, 2).await;
    assert!(refused.is_err(), "an available unit cannot be shipped");
    record(&db, UnitCommand::AddNote { text: "checked".into() }, 3).await.unwrap();
    let seqs: Vec<u64> = db.outbox().await.unwrap().iter().map(|entry| entry.op.device_seq).collect();
    assert_eq!(seqs, vec![1, 2], "the refused action took no device_seq");
}

#[wasm_bindgen_test]
async fn a_refused_op_moves_from_the_outbox_to_the_conflicts_in_one_step() {
    let db = LocalDb::open(&fresh_name("conflict")).await.unwrap();
    record(&db, commission(), 1).await.unwrap();
    record(&db, UnitCommand::Quarantine { reason: "dented".into() }, 2).await.unwrap();
    let keys = [STORAGE_KEY.to_owned()];
    let batch = db.replica_step(&keys, false, |replica| Step::commit(replica.next_push())).await.unwrap().unwrap();
    assert_eq!(batch.ops.len(), 2);
    assert!(db.outbox().await.unwrap().iter().all(|entry| entry.delivery == Delivery::Sending));
    let refused = RefusedOp {
        code: RefusalCode::InvalidTransition,
        message: "shipped → quarantine is not allowed".into(),
        unit_state: None,
        last_change: None,
    };
    let response = PushResponse {
        results: vec![
            OpResult { op_id: Uuid::from_u128(1), device_seq: 1, outcome: OpOutcome::Accepted { seq: 41 } },
            OpResult { op_id: Uuid::from_u128(2), device_seq: 2, outcome: OpOutcome::Refused(refused) },
        ],
        last_processed_device_seq: 2,
        head_seq: 42,
        stopped: None,
    };
    db.replica_step(&keys, false, |replica| {
        replica.on_push_response(&response);
        Step::commit(())
    })
    .await
    .unwrap();
    let outbox = db.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].delivery, Delivery::Acked { seq: 41 });
    let conflicts = db.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].op_id(), Uuid::from_u128(2));
    assert_eq!(conflicts[0].refused.code, RefusalCode::InvalidTransition);
}

/// A settled op is kept in the journal store; when a push answer shows the server lost it (restored from a
/// backup), the push answer's step brings it back into the outbox — a refused one marked to be recorded again.
#[wasm_bindgen_test]
async fn an_op_the_server_lost_in_a_restore_comes_back_from_the_journal() {
    let db = LocalDb::open(&fresh_name("journal")).await.unwrap();
    record(&db, commission(), 1).await.unwrap();
    let keys = [STORAGE_KEY.to_owned()];
    db.replica_step(&keys, false, |replica| Step::commit(replica.next_push())).await.unwrap().unwrap();
    let refused = RefusedOp::unreadable("a test");
    let response = PushResponse {
        results: vec![OpResult { op_id: Uuid::from_u128(1), device_seq: 1, outcome: OpOutcome::Refused(refused) }],
        last_processed_device_seq: 1,
        head_seq: 0,
        stopped: None,
    };
    let step = |response: PushResponse| {
        move |replica: &mut DeviceReplica| {
            replica.on_push_response(&response);
            Step::commit(())
        }
    };
    db.push_answer_step(&keys, 1, step(response)).await.unwrap();
    assert!(db.outbox().await.unwrap().is_empty());
    assert_eq!(db.conflicts().await.unwrap().len(), 1);
    // Another step (not a push answer) still knows the journal holds ops.
    let replica = db.replica(&[]).await.unwrap();
    assert_eq!(replica.journal().len(), 1);

    let restored = PushResponse { results: vec![], last_processed_device_seq: 0, head_seq: 0, stopped: None };
    db.push_answer_step(&keys, 0, step(restored)).await.unwrap();
    let outbox = db.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1, "the refused op goes out again");
    assert_eq!((outbox[0].op.device_seq, outbox[0].delivery), (1, Delivery::Queued));
    assert!(outbox[0].op.refused_before.is_some(), "to be recorded as refused, not run");
    assert_eq!(db.conflicts().await.unwrap().len(), 1, "and shown once");
    assert!(db.replica(&[]).await.unwrap().journal().is_empty());
}

fn v1_unit() -> UnitRecord {
    UnitRecord {
        key: STORAGE_KEY.into(),
        gtin: "09506000134352".into(),
        serial: "A1".into(),
        status: "shipped".into(),
        product_name: Some("Paracetamol".into()),
        lot: None,
        expiry: None,
        location: None,
        owner: None,
    }
}

#[wasm_bindgen_test]
async fn upgrading_a_version_1_database_with_data_keeps_it_and_adds_the_sync_stores() {
    let name = fresh_name("migrate-v1");
    let v1 = LocalDb::open_at(&name, 1).await.unwrap();
    let product = ProductRecord {
        id: "p1".into(),
        code: "09506000134352".into(),
        code_schema: "gtin".into(),
        name: "Paracetamol".into(),
        serial_source: "generated".into(),
        serial_scheme: serde_json::json!({"kind": "randomised", "alphabet": "0123456789", "length": 12}),
        available: 3,
        assigned: 2,
        workflow: Default::default(),
        details: Default::default(),
    };
    v1.put_products(std::slice::from_ref(&product)).await.unwrap();
    v1.set_meta("last_refreshed", &"2026-11-20T10:00:00Z").await.unwrap();
    v1.close();
    write_as_before(&name, "units", vec![(None, json(&v1_unit()))]).await;

    let upgraded = LocalDb::open(&name).await.unwrap();
    assert_eq!(upgraded.products().await.unwrap(), vec![product]);
    assert_eq!(upgraded.unit(STORAGE_KEY).await.unwrap(), Some(v1_unit()));
    assert_eq!(upgraded.meta::<String>("last_refreshed").await.unwrap().as_deref(), Some("2026-11-20T10:00:00Z"));
    assert!(upgraded.outbox().await.unwrap().is_empty());
    assert!(upgraded.conflicts().await.unwrap().is_empty());
    record(&upgraded, commission(), 1).await.unwrap();
    record(&upgraded, UnitCommand::AddNote { text: "after the upgrade".into() }, 2).await.unwrap();
    assert_eq!(upgraded.outbox().await.unwrap().len(), 2, "the upgraded database takes new ops");
}

fn history_line(serial: &str, seq: u64, what: &str) -> HistoryRecord {
    HistoryRecord {
        unit_key: format!("09506000134352/{serial}"),
        seq,
        at: "2026-11-20T10:00:00Z".into(),
        who: "operator".into(),
        role: Some("operator".into()),
        device: None,
        location: None,
        what: what.into(),
        change: None,
        why: None,
    }
}

/// Version 3 kept a unit in three stores (display record, confirmed state, one row per history line); version 4
/// keeps one record per unit. A tablet upgrading with changes waiting keeps its outbox, its inbox, its meta
/// values and every unit with its name, state and history, and goes on recording.
#[wasm_bindgen_test]
async fn upgrading_a_version_3_database_with_changes_waiting_keeps_everything() {
    let name = fresh_name("migrate-v3");
    LocalDb::open_at(&name, 3).await.unwrap().close();
    // The device's state as version 3 stored it: an op the server refused (now in the inbox), two ops waiting
    // on unit A1, and unit B1 confirmed from a snapshot with two history lines.
    let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
    let workflow = WorkflowSettings::default();
    let now = time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
    let context = CommandContext { actor: &actor, now, workflow: &workflow, approval: None };
    let mut replica = DeviceReplica::new("tablet-7");
    replica.record(key("C1"), commission(), &context, Uuid::from_u128(1)).unwrap();
    replica.next_push().unwrap();
    let refused = RefusedOp {
        code: RefusalCode::InvalidTransition,
        message: "already commissioned".into(),
        unit_state: None,
        last_change: None,
    };
    replica.on_push_response(&PushResponse {
        results: vec![OpResult { op_id: Uuid::from_u128(1), device_seq: 1, outcome: OpOutcome::Refused(refused) }],
        last_processed_device_seq: 1,
        head_seq: 9,
        stopped: None,
    });
    replica.record(key("A1"), commission(), &context, Uuid::from_u128(2)).unwrap();
    replica.record(key("A1"), UnitCommand::AddNote { text: "keep me".into() }, &context, Uuid::from_u128(3)).unwrap();
    let parts = ReplicaParts::split(&replica);
    assert_eq!((parts.outbox.len(), parts.conflicts.len()), (2, 1));
    let b1 = ConfirmedUnit { unit: commissioned_elsewhere("B1"), last_seq: 7 };
    let mut a1_shown = unit_record(&replica.optimistic(&key("A1"), &workflow).unit.unwrap(), None);
    a1_shown.product_name = Some("Paracetamol".into());
    let b1_shown = unit_record(&b1.unit, Some("Paracetamol".into()));
    let ops = parts.outbox.iter().map(|entry| (None, json(&StoredOp::from_entry(entry)))).collect();
    write_as_before(&name, "outbox", ops).await;
    let conflicts = parts.conflicts.iter().map(|conflict| (None, json(&StoredConflict::from_conflict(conflict))));
    write_as_before(&name, "conflicts", conflicts.collect()).await;
    let meta = [
        ("device_id", json(&"tablet-7")),
        ("next_device_seq", json(&4u64)),
        ("cursor", json(&9u64)),
        ("log_epoch", json(&"7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f")),
    ];
    write_as_before(&name, "meta", meta.into_iter().map(|(key, value)| (Some(key.to_owned()), value)).collect()).await;
    write_as_before(&name, "units", vec![(None, json(&a1_shown)), (None, json(&b1_shown))]).await;
    let b1_confirmed = serde_json::json!({
        "key": "09506000134352/B1", "last_seq": 7, "confirmed": serde_json::to_string(&b1).unwrap()
    });
    write_as_before(&name, "confirmed", vec![(None, b1_confirmed)]).await;
    let lines = [history_line("B1", 3, "Commissioned"), history_line("B1", 7, "Moved")];
    let history_key = |line: &HistoryRecord| format!("{}\u{1}{:020}", line.unit_key, line.seq);
    write_as_before(&name, "history", lines.iter().map(|line| (Some(history_key(line)), json(line))).collect()).await;

    let v4 = LocalDb::open(&name).await.unwrap();
    assert_eq!(v4.outbox().await.unwrap(), parts.outbox);
    assert_eq!(v4.conflicts().await.unwrap(), parts.conflicts);
    assert_eq!(v4.meta::<u64>("next_device_seq").await.unwrap(), Some(4));
    assert_eq!(v4.meta::<u64>("cursor").await.unwrap(), Some(9));
    assert_eq!(v4.unit_count().await.unwrap(), 2);
    assert_eq!(v4.unit(STORAGE_KEY).await.unwrap(), Some(a1_shown));
    assert_eq!(v4.unit("09506000134352/B1").await.unwrap(), Some(b1_shown));
    assert_eq!(v4.confirmed("09506000134352/B1").await.unwrap(), Some(b1));
    let seqs: Vec<u64> = v4.history("09506000134352/B1").await.unwrap().iter().map(|line| line.seq).collect();
    assert_eq!(seqs, vec![7, 3], "newest first");
    // The upgraded device goes on: the next op takes device_seq 4, and the unit keeps its product's name.
    record(&v4, UnitCommand::AddNote { text: "after the upgrade".into() }, 5).await.unwrap();
    let seqs: Vec<u64> = v4.outbox().await.unwrap().iter().map(|entry| entry.op.device_seq).collect();
    assert_eq!(seqs, vec![2, 3, 4]);
    let shown = v4.unit(STORAGE_KEY).await.unwrap().unwrap();
    assert_eq!(shown.product_name.as_deref(), Some("Paracetamol"));
}

/// A reset forgets every unit's confirmed state (the server's log it came from is gone), also of units the step
/// does not name, and keeps what the units show, their history and the outbox until the snapshot fills the
/// device again.
#[wasm_bindgen_test]
async fn a_reset_forgets_every_confirmed_state_and_keeps_what_units_show() {
    let db = LocalDb::open(&fresh_name("reset")).await.unwrap();
    let page = SnapshotPage {
        as_of_seq: 7,
        log_epoch: Uuid::from_u128(5),
        units: vec![SnapshotUnit { last_seq: 7, unit: commissioned_elsewhere("B1") }],
        next_after: None,
        has_more: false,
    };
    let b1 = "09506000134352/B1";
    db.new_units_step(&[b1.to_owned()], |replica| {
        replica.on_snapshot_page(&page).unwrap();
        let mut step = Step::commit(());
        step.extra.history = vec![history_line("B1", 7, "Commissioned")];
        step
    })
    .await
    .unwrap();
    record(&db, commission(), 1).await.unwrap();
    assert!(db.confirmed(b1).await.unwrap().is_some());

    db.replica_step(&[STORAGE_KEY.to_owned()], false, |replica| {
        replica.on_reset();
        let mut step = Step::commit(());
        step.extra.clear_confirmed = true;
        step
    })
    .await
    .unwrap();
    assert_eq!(db.confirmed(b1).await.unwrap(), None);
    assert_eq!(db.unit(b1).await.unwrap().map(|unit| unit.status), Some("available".to_owned()));
    assert_eq!(db.history(b1).await.unwrap().len(), 1);
    assert_eq!(db.outbox().await.unwrap().len(), 1);
    assert!(db.unit(STORAGE_KEY).await.unwrap().is_some(), "the unit of the waiting op still shows");
}

#[wasm_bindgen_test]
async fn an_outbox_survives_an_upgrade_to_a_later_version() {
    let name = fresh_name("migrate-outbox");
    let v2 = LocalDb::open(&name).await.unwrap();
    record(&v2, commission(), 1).await.unwrap();
    record(&v2, UnitCommand::AddNote { text: "keep me".into() }, 2).await.unwrap();
    let before = v2.outbox().await.unwrap();
    v2.close();

    let later = LocalDb::open_at(&name, SCHEMA_VERSION + 1).await.unwrap();
    assert_eq!(later.outbox().await.unwrap(), before);
    let next: Option<u64> = later.meta("next_device_seq").await.unwrap();
    assert_eq!(next, Some(3));
}

/// A shift of offline work: 300 units commissioned one action each, through the unit-scoped step the screens
/// use. Each step reads and writes only its unit's entries, and the outbox keeps every op in order.
#[wasm_bindgen_test]
async fn a_long_outbox_keeps_every_op_when_each_action_reads_only_its_unit() {
    let db = LocalDb::open(&fresh_name("long-outbox")).await.unwrap();
    let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
    let workflow = WorkflowSettings::default();
    let now = time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
    let context = CommandContext { actor: &actor, now, workflow: &workflow, approval: None };
    let started = js_sys::Date::now();
    for n in 0..300u128 {
        let serial = format!("L{n:04}");
        let storage_key = format!("09506000134352/{serial}");
        db.unit_step(&[storage_key], |replica| {
            replica.record(key(&serial), commission(), &context, Uuid::from_u128(1_000 + n)).unwrap();
            Step::commit(())
        })
        .await
        .unwrap();
    }
    web_sys::console::log_1(&format!("300 unit-scoped actions: {:.0} ms", js_sys::Date::now() - started).into());
    // A second action on an early unit sees that unit's pending commissioning (its entries were read) …
    db.unit_step(&["09506000134352/L0007".to_owned()], |replica| {
        let note = UnitCommand::AddNote { text: "label smudged".into() };
        replica.record(key("L0007"), note, &context, Uuid::from_u128(9_999)).unwrap();
        Step::commit(())
    })
    .await
    .unwrap();
    let outbox = db.outbox().await.unwrap();
    let seqs: Vec<u64> = outbox.iter().map(|entry| entry.op.device_seq).collect();
    assert_eq!(seqs, (1..=301).collect::<Vec<u64>>(), "every op kept, in device_seq order, none rewritten away");
    assert_eq!(outbox[300].op.unit, key("L0007"));
    let shown = db.unit("09506000134352/L0299").await.unwrap().expect("the last unit is shown");
    assert_eq!(shown.status.as_str(), "available");
}
