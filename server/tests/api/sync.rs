use crate::helpers::{spawn_app, TestApp};
use crate::pending_op::pending_op;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;

const GTIN: &str = "09520123456788";

fn op(device: &str, device_seq: u64, serial: &str, command: Value) -> Value {
    pending_op(device, device_seq, serial, command)
}

async fn with_units(serials: &[&str]) -> TestApp {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    if !serials.is_empty() {
        let body = json!({"product_id": product_id, "serials": serials});
        app.units_register(Role::Operator, body).await.expect(201);
    }
    app
}

async fn push(app: &TestApp, role: Role, device: &str, ops: Vec<Value>) -> crate::helpers::Answer {
    app.post_as(role, "/sync/push", json!({"device_id": device, "ops": ops})).await
}

#[tokio::test]
async fn pushed_ops_are_decided_in_order_and_a_retry_changes_nothing() {
    let app = with_units(&["A1"]).await;
    let ops = vec![
        op("tab-1", 1, "A1", json!({"type": "add_note", "text": "box dented"})),
        op("tab-1", 2, "A1", json!({"type": "allocate", "order": "SO-9"})),
    ];
    let answer = push(&app, Role::Operator, "tab-1", ops.clone()).await;
    let answer = answer.expect(200).clone();
    assert_eq!(answer["last_processed_device_seq"], 2);
    assert_eq!(answer["results"][0]["outcome"], json!({"kind": "accepted", "seq": 2}));
    assert_eq!(answer["results"][1]["outcome"], json!({"kind": "accepted", "seq": 3}));
    assert_eq!(answer["head_seq"], 3);
    let again = push(&app, Role::Operator, "tab-1", ops).await;
    assert_eq!(again.expect(200)["results"], answer["results"], "a retried push answers the stored results");
    let pulled = app.get_as(Role::Operator, "/sync/pull?cursor=0").await;
    let pulled = pulled.expect(200);
    assert_eq!((pulled["answer"].as_str(), pulled["head_seq"].as_u64()), (Some("page"), Some(3)));
    let seqs: Vec<_> = pulled["events"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3], "no event twice");
    assert_eq!(
        pulled["events"][2]["event"]["actor"]["name"], "key:acme-operator-key",
        "the actor is from the credentials"
    );
    assert_eq!(pulled["events"][2]["event"]["device_id"], "tab-1");
    assert_eq!(
        pulled["events"][2]["event"]["observed_at"], "2026-11-23T08:00:00Z",
        "the device's time of the action is kept beside the server's"
    );
    assert_eq!(pulled["events"][0]["event"].get("observed_at"), None, "registered online: no device time");
}

#[tokio::test]
async fn a_refused_op_is_answered_kept_and_never_blocks_the_next() {
    let app = with_units(&["A1"]).await;
    let ops = vec![
        op("tab-1", 1, "A1", json!({"type": "deliver"})),
        op("tab-1", 2, "A1", json!({"type": "add_note", "text": "still here"})),
    ];
    let answer = push(&app, Role::Operator, "tab-1", ops).await;
    let answer = answer.expect(200);
    let refused = &answer["results"][0]["outcome"];
    assert_eq!((refused["kind"].as_str(), refused["code"].as_str()), (Some("refused"), Some("invalid_transition")));
    assert_eq!(refused["unit_state"]["status"], "available", "what the server had");
    assert_eq!(refused["last_change"]["by"], "key:acme-operator-key", "who changed it last");
    assert_eq!(answer["results"][1]["outcome"]["kind"], "accepted");
    assert_eq!(answer["last_processed_device_seq"], 2);
    let pulled = app.get_as(Role::Operator, "/sync/pull?cursor=0&device_id=tab-1&results_after=0").await;
    let results = pulled.expect(200)["op_results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 2, "a device whose answer was lost learns both outcomes on pull");
    let op_id = answer["results"][0]["op_id"].as_str().unwrap();
    let kept = app.store.refused_payload(&app.tenant_id, op_id).await.unwrap();
    assert!(kept.unwrap().contains("deliver"), "the whole refused command is kept");
}

#[tokio::test]
async fn a_gap_or_a_newer_vocabulary_stops_the_batch_and_records_nothing() {
    let app = with_units(&["A1"]).await;
    let gap = push(&app, Role::Operator, "tab-1", vec![op("tab-1", 3, "A1", json!({"type": "retire"}))]).await;
    assert_eq!(gap.expect(200)["stopped"], json!({"reason": "gap", "expected": 1}));
    let mut newer = op("tab-1", 1, "A1", json!({"type": "teleport"}));
    newer["schema_version"] = json!(99);
    let answer = push(&app, Role::Operator, "tab-1", vec![newer]).await;
    assert_eq!(answer.expect(200)["stopped"]["reason"], "upgrade_required");
    assert_eq!(answer.body["last_processed_device_seq"], 0);
    let events = app.events_list(Role::Auditor, "").await;
    assert_eq!(events.expect(200)["head_seq"], 1, "only the registration");
}

#[tokio::test]
async fn two_devices_changing_one_unit_incompatibly_get_one_acceptance_and_one_refusal() {
    let app = with_units(&["A1"]).await;
    let ship_path = vec![op("tab-a", 1, "A1", json!({"type": "allocate", "order": "SO-1"}))];
    push(&app, Role::Operator, "tab-a", ship_path).await.expect(200);
    let quarantine = op("tab-b", 1, "A1", json!({"type": "decommission", "reason": {"kind": "damaged"}}));
    let answer = push(&app, Role::Supervisor, "tab-b", vec![quarantine]).await;
    let refused = &answer.expect(200)["results"][0]["outcome"];
    assert_eq!(refused["kind"], "refused");
    assert_eq!(refused["last_change"]["device_id"], "tab-a", "which device changed it");
}

#[tokio::test]
async fn a_device_can_commission_a_unit_offline() {
    let app = with_units(&[]).await;
    let commission = op("line-1", 1, "NEW-1", json!({"type": "commission", "lot": "L7", "location": "Line 1"}));
    let answer = push(&app, Role::Operator, "line-1", vec![commission]).await;
    assert_eq!(answer.expect(200)["results"][0]["outcome"]["kind"], "accepted");
    let unit = app.units_lookup(Role::Auditor, "?gtin=9520123456788&serial=NEW-1").await;
    assert_eq!((unit.expect(200)["status"].as_str(), unit.body["lot"].as_str()), (Some("available"), Some("L7")));
}

#[tokio::test]
async fn a_device_id_belongs_to_one_organisation() {
    let app = with_units(&["A1"]).await;
    push(&app, Role::Operator, "tab-1", vec![op("tab-1", 1, "A1", json!({"type": "add_note", "text": "x"}))])
        .await
        .expect(200);
    let body = json!({"device_id": "tab-1", "ops": []});
    let other = app.call(reqwest::Method::POST, "/sync/push", Some(&app.other_keys[&Role::Operator]), Some(body)).await;
    other.expect(409);
}

#[tokio::test]
async fn a_pull_from_another_epoch_or_beyond_the_head_answers_reset() {
    let app = with_units(&["A1"]).await;
    let epoch = uuid::Uuid::new_v4();
    let other_epoch = app.get_as(Role::Operator, &format!("/sync/pull?cursor=0&log_epoch={epoch}")).await;
    assert_eq!(other_epoch.expect(200)["answer"], "reset");
    let ahead = app.get_as(Role::Operator, "/sync/pull?cursor=99").await;
    assert_eq!(ahead.expect(200)["why"]["reason"], "cursor_ahead_of_head");
    let page = app.get_as(Role::Operator, "/sync/pull?cursor=0&limit=1").await;
    assert_eq!((page.expect(200)["has_more"].as_bool(), page.body["next_cursor"].as_u64()), (Some(false), Some(1)));
}

#[tokio::test]
async fn malformed_pushes_are_refused_whole_with_what_to_fix() {
    let app = with_units(&["A1"]).await;
    let swapped = vec![
        op("tab-1", 2, "A1", json!({"type": "add_note", "text": "x"})),
        op("tab-1", 1, "A1", json!({"type": "add_note", "text": "y"})),
    ];
    let answer = push(&app, Role::Operator, "tab-1", swapped).await;
    assert_eq!((answer.status.as_u16(), answer.code()), (422, "invalid_push"));
    let too_many: Vec<Value> =
        (1..=101).map(|n| op("tab-1", n, "A1", json!({"type": "add_note", "text": "x"}))).collect();
    push(&app, Role::Operator, "tab-1", too_many).await.expect(422);
    push(&app, Role::Operator, "bad id!", vec![]).await.expect(422);
    push(&app, Role::Auditor, "tab-1", vec![]).await.expect(403);
}

#[tokio::test]
async fn other_devices_are_poked_when_the_log_grows() {
    let app = with_units(&["A1"]).await;
    let mut stream = app
        .client
        .get(format!("{}/api/v1/sync/poke", app.address))
        .bearer_auth(app.key(Role::Auditor))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    push(&app, Role::Operator, "tab-1", vec![op("tab-1", 1, "A1", json!({"type": "add_note", "text": "x"}))])
        .await
        .expect(200);
    let chunk = tokio::time::timeout(std::time::Duration::from_secs(1), stream.chunk()).await;
    let text = String::from_utf8(chunk.expect("a poke within a second").unwrap().unwrap().to_vec()).unwrap();
    assert!(text.contains("event: poke"), "{text}");
}
