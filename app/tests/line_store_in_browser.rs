//! The line's data in IndexedDB, in a real (headless) Chromium: a version-2 device with ops waiting upgrades
//! to the line's stores (version 3, and on to today's) keeping them; commissioning takes the serial out of the block and queues its op in one
//! transaction; a serial outside the block, or a refusal, changes neither.
#![cfg(target_arch = "wasm32")]

mod support;

use serialtrack_app::db::{LocalDb, Step};
use serialtrack_app::line_work::{pending_commissions, OrderRecord};
use serialtrack_app::replica_parts::{ReplicaParts, StoredOp};
use serialtrack_app::sync_wire::unit_record;
use serialtrack_shared::ids::{Gtin, Serial};
use serialtrack_shared::sync::DeviceReplica;
use serialtrack_shared::unit::{Actor, CommandContext, Role, UnitCommand, UnitKey, WorkflowSettings};
use support::{json, write_as_before};
use uuid::Uuid;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const GTIN: &str = "09506000134352";

fn fresh_name(test: &str) -> String {
    format!("serialtrack-line-test-{test}-{}", js_sys::Math::random())
}

fn key(serial: &str) -> UnitKey {
    UnitKey::sgtin(&Gtin::parse(GTIN).unwrap(), Serial::parse(serial).unwrap())
}

fn order() -> OrderRecord {
    serde_json::from_value(serde_json::json!({
        "id": "o1", "kind": "packaging", "product_id": "p1", "code": GTIN, "gtin": GTIN,
        "product_name": "Amoxicillin", "lot": "L1", "expiry": "2028-06-30", "line": "Line 3", "quantity": 10,
        "reference": null, "status": "released", "created_at": "2026-11-23T10:00:00Z", "created_by": "admin",
        "counts": { "assigned": 10, "reserved": 3, "commissioned": 0 }
    }))
    .unwrap()
}

/// Commissions from the block the way the line screen does.
async fn commission(db: &LocalDb, wanted: Option<&str>, op: u128) -> Result<String, String> {
    let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
    let workflow = WorkflowSettings::default();
    let now = time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
    let context = CommandContext { actor: &actor, now, workflow: &workflow, approval: None };
    let order = order();
    let command = order.commission_command().unwrap();
    let outcome = db
        .commission_from_block(&order, wanted, |replica, block, serial| {
            replica.record(key(serial), command, &context, Uuid::from_u128(op)).map_err(|refusal| refusal.message)?;
            Ok(pending_commissions(replica.outbox().entries(), block))
        })
        .await
        .unwrap();
    outcome.map(|done| done.serial)
}

/// Commissions A1 the way the unit screen would, outside any block.
async fn commission_a1_elsewhere(db: &LocalDb, op: u128) {
    db.replica_step(&[format!("{GTIN}/A1")], true, |replica| {
        let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
        let workflow = WorkflowSettings::default();
        let now = time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
        let context = CommandContext { actor: &actor, now, workflow: &workflow, approval: None };
        let command = UnitCommand::Commission { lot: None, expiry: None, location: None, owner: None };
        replica.record(key("A1"), command, &context, Uuid::from_u128(op)).unwrap();
        Step::commit(())
    })
    .await
    .unwrap();
}

#[wasm_bindgen_test]
async fn commissioning_takes_the_serial_from_the_block_and_queues_its_op_together() {
    let db = LocalDb::open(&fresh_name("commission")).await.unwrap();
    db.update_block("o1", |block| block.add(&["A1".into(), "A2".into(), "A3".into()])).await.unwrap();
    assert_eq!(commission(&db, None, 1).await, Ok("A1".into()));
    assert_eq!(commission(&db, Some("A3"), 2).await, Ok("A3".into()));
    let block = db.block("o1").await.unwrap();
    assert_eq!(block.serials, ["A2"]);
    assert_eq!(block.commissioned, ["A1", "A3"]);
    let outbox = db.outbox().await.unwrap();
    assert_eq!(outbox.len(), 2);
    assert_eq!(outbox[1].op.unit, key("A3"));
    assert_eq!(pending_commissions(outbox.iter(), &block), 2);
    let unit = db.unit(&format!("{GTIN}/A3")).await.unwrap().unwrap();
    assert_eq!(
        (unit.status.as_str(), unit.lot.as_deref(), unit.location.as_deref()),
        ("available", Some("L1"), Some("Line 3"))
    );
    assert_eq!(unit.product_name.as_deref(), Some("Amoxicillin"));
}

#[wasm_bindgen_test]
async fn a_serial_outside_the_block_or_a_refused_op_changes_nothing() {
    let db = LocalDb::open(&fresh_name("refused")).await.unwrap();
    db.update_block("o1", |block| block.add(&["A1".into()])).await.unwrap();
    assert!(commission(&db, Some("Z9"), 1).await.unwrap_err().contains("not in this tablet's block"));
    // A1 already commissioned on this device (another way): the shared rules refuse a second commission.
    commission_a1_elsewhere(&db, 9).await;
    assert!(commission(&db, None, 2).await.is_err());
    assert_eq!(db.block("o1").await.unwrap().serials, ["A1"], "the refused serial stays in the block");
    assert_eq!(db.outbox().await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn a_version_2_device_with_ops_waiting_upgrades_to_the_line_stores_keeping_them() {
    let name = fresh_name("migrate-v2");
    LocalDb::open_at(&name, 2).await.unwrap().close();
    // A1 commissioned on the unit screen, as version 2 stored it: the op, the next device_seq, the display record.
    let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
    let workflow = WorkflowSettings::default();
    let now = time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
    let context = CommandContext { actor: &actor, now, workflow: &workflow, approval: None };
    let command = UnitCommand::Commission { lot: None, expiry: None, location: None, owner: None };
    let mut replica = DeviceReplica::new("tablet-3");
    replica.record(key("A1"), command, &context, Uuid::from_u128(1)).unwrap();
    let before = ReplicaParts::split(&replica).outbox;
    write_as_before(&name, "outbox", vec![(None, json(&StoredOp::from_entry(&before[0])))]).await;
    write_as_before(&name, "meta", vec![(Some("next_device_seq".into()), json(&2u64))]).await;
    let shown = unit_record(&replica.optimistic(&key("A1"), &workflow).unit.unwrap(), None);
    write_as_before(&name, "units", vec![(None, json(&shown))]).await;

    let v3 = LocalDb::open(&name).await.unwrap();
    assert_eq!(v3.outbox().await.unwrap(), before);
    assert!(v3.orders().await.unwrap().is_empty());
    v3.put_orders(&[order()]).await.unwrap();
    assert_eq!(v3.orders().await.unwrap(), vec![order()]);
    v3.update_block("o1", |block| block.add(&["A2".into()])).await.unwrap();
    assert_eq!(commission(&v3, None, 2).await, Ok("A2".into()));
    assert_eq!(v3.outbox().await.unwrap().len(), 2, "the upgraded device queues next to the waiting op");
}
