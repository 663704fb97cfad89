//! The archive and the purge tampered with in the database (docs/RETENTION.md, "What verify checks"): a
//! segment damaged, deleted or rewritten by a forger who knows its format, an entry cleared by hand to look
//! purged, an entry pointed at a segment that does not hold it. `audit verify` names the first bad entry.

use crate::helpers::{spawn_app, TestApp};
use crate::pending_op::pending_op;
use reqwest::Method;
use serde_json::json;
use serialtrack_server::auth::Role;
use serialtrack_server::domain::audit_verify::{verify_chain, Trust};
use serialtrack_server::domain::outbox;
use serialtrack_server::store::segment::SegmentBody;
use serialtrack_server::store::{AuditFilter, AuditRecord};

const GTIN: &str = "09520123456788";
const CLEARED: &str = "action = NULL, actor = NULL, object_kind = NULL, object_id = NULL, new_value = NULL, \
                       old_value = NULL, reason = NULL";

/// Two units with a note each, archived by a run in 2030; the chain's entries and the segment's id.
async fn archived() -> (TestApp, Vec<AuditRecord>, String) {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    let body = json!({"product_id": product_id, "serials": ["A1", "A2"], "lot": "L1", "expiry": "2027-06-30"});
    app.units_register(Role::Operator, body).await.expect(201);
    let ops: Vec<_> = ["A1", "A2"]
        .iter()
        .enumerate()
        .map(|(index, serial)| pending_op("tab-1", index as u64 + 1, serial, json!({"type": "add_note", "text": "x"})))
        .collect();
    app.post_as(Role::Operator, "/sync/push", json!({"device_id": "tab-1", "ops": ops})).await.expect(200);
    let target = time::macros::datetime!(2030-01-01 12:00 UTC);
    app.clock.advance(target - app.clock.now());
    app.admin_does(Method::POST, "/retention/runs", None).await.expect(202);
    outbox::work_until_idle(&app.store, &app.clock, "test").await.unwrap();
    let entries = app.store.audit_entries(&app.tenant_id, &AuditFilter { limit: 1_000, ..Default::default() }).await;
    let entries = entries.unwrap();
    let segment = entries.iter().find_map(|entry| entry.archived_in.clone()).expect("an archived entry");
    (app, entries, segment)
}

fn first_archived(entries: &[AuditRecord]) -> i64 {
    entries.iter().find(|entry| entry.archived_in.is_some()).unwrap().seq
}

async fn problem(app: &TestApp) -> (i64, String) {
    let report = verify_chain(app.store.as_ref(), &app.tenant_id, &Trust::default()).await.unwrap();
    let problem = report.problem.clone().unwrap_or_else(|| panic!("the tamper went unseen: {report:?}"));
    (problem.seq, problem.what)
}

#[tokio::test]
async fn an_archived_chain_verifies_and_each_tamper_of_the_archive_is_named() {
    let (app, entries, _) = archived().await;
    let report = verify_chain(app.store.as_ref(), &app.tenant_id, &Trust::default()).await.unwrap();
    assert_eq!((report.problem.is_none(), report.archived), (true, 2), "{report:?}");
    let seq = first_archived(&entries);

    // A segment's bytes changed on disk.
    app.sql("UPDATE archive_segments SET body_sha256 = 'f00d'").await;
    let (bad, what) = problem(&app).await;
    assert_eq!(bad, seq, "{what}");
    assert!(what.contains("damaged"), "{what}");
}

#[tokio::test]
async fn a_deleted_segment_is_named() {
    let (app, entries, segment) = archived().await;
    app.sql("DELETE FROM archive_segments").await;
    let (bad, what) = problem(&app).await;
    assert_eq!(bad, first_archived(&entries));
    assert!(what.contains("gone") && what.contains(&segment), "{what}");
}

#[tokio::test]
async fn a_segment_rewritten_by_a_forger_who_knows_its_format_is_named() {
    let (app, entries, segment) = archived().await;
    let stored = app.store.segment(&app.tenant_id, &segment).await.unwrap().unwrap();
    let mut body = SegmentBody::decode(&stored.body, &stored.body_sha256).unwrap();
    let last = body.entries.last_mut().unwrap();
    last.new_value = Some("{\"text\":\"nothing happened\"}".into());
    let edited = last.seq;
    let encoded = body.encode().unwrap();
    app.sql(&format!("UPDATE archive_segments SET body_sha256 = '{}'", encoded.sha256)).await;
    app.sql_with_bytes("UPDATE archive_segments SET body = $1", encoded.bytes).await;
    let (bad, what) = problem(&app).await;
    assert!(edited >= first_archived(&entries));
    assert_eq!(bad, edited, "{what}");
    assert!(what.contains("edited in archive segment"), "{what}");
}

#[tokio::test]
async fn an_entry_cleared_by_hand_to_look_purged_is_named() {
    let (app, _, _) = archived().await;
    app.sql(&format!("UPDATE audit_entries SET {CLEARED}, purged_at = 1 WHERE seq = 2")).await;
    let (bad, what) = problem(&app).await;
    assert_eq!(bad, 2);
    assert!(what.contains("no purge of the chain names it"), "{what}");
}

#[tokio::test]
async fn an_entry_pointed_at_a_segment_that_does_not_hold_it_is_named() {
    let (app, _, segment) = archived().await;
    app.sql(&format!("UPDATE audit_entries SET {CLEARED}, archived_in = '{segment}' WHERE seq = 2")).await;
    let (bad, what) = problem(&app).await;
    assert_eq!(bad, 2);
    assert!(what.contains("does not hold it"), "{what}");
}
