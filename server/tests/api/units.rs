use crate::helpers::{spawn_app, TestApp, PASSWORD};
use serde_json::{json, Value};
use serialtrack_server::auth::Role;

async fn registered(app: &TestApp, serials: &[&str]) -> (String, Vec<Value>) {
    let product_id = app.a_product("9520123456788", "Pill").await;
    let answer =
        app.units_register(Role::Operator, json!({"product_id": product_id, "serials": serials, "lot": "L1"})).await;
    assert_eq!(answer.expect(201)["registered"], serials.len());
    let mut units = Vec::new();
    for serial in serials {
        let unit = app.units_lookup(Role::Auditor, &format!("?gtin=9520123456788&serial={serial}")).await;
        units.push(unit.expect(200).clone());
    }
    (product_id, units)
}

#[tokio::test]
async fn a_registered_list_is_found_by_gtin_and_serial_or_by_a_scan() {
    let app = spawn_app().await;
    let (_, units) = registered(&app, &["A1", "A2"]).await;
    assert_eq!((units[0]["status"].as_str(), units[0]["lot"].as_str()), (Some("available"), Some("L1")));
    let scanned = app.units_lookup(Role::Operator, "?scan=(01)09520123456788(21)A2").await;
    assert_eq!(scanned.expect(200)["id"], units[1]["id"]);
    let wedge = app.units_lookup(Role::Operator, "?scan=]d2010952012345678821A2").await;
    assert_eq!(wedge.expect(200)["id"], units[1]["id"], "a keyboard-wedge string");
    let link = app.units_lookup(Role::Operator, "?scan=https://id.example.com/01/09520123456788/21/A1").await;
    assert_eq!(link.expect(200)["id"], units[0]["id"], "a GS1 Digital Link");
    app.units_lookup(Role::Operator, "?scan=]d2019520").await.expect(422);
    app.units_lookup(Role::Operator, "?gtin=9520123456788&serial=NOPE").await.expect(404);
    app.units_lookup(Role::Operator, "?gtin=9520123456789&serial=A1").await.expect(422);
    app.units_lookup(Role::Operator, "?serial=A1").await.expect(400);
}

#[tokio::test]
async fn a_range_is_registered_in_one_call_with_consecutive_seqs() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let body = json!({"product_id": product_id, "range": {"prefix": "R", "start": 1, "count": 5000, "width": 6}});
    let answer = app.units_register(Role::Supervisor, body).await;
    let answer = answer.expect(201);
    assert_eq!(
        (answer["registered"].as_i64(), answer["first_seq"].as_i64(), answer["last_seq"].as_i64()),
        (Some(5000), Some(1), Some(5000))
    );
    app.units_lookup(Role::Operator, "?gtin=9520123456788&serial=R005000").await.expect(200);
}

#[tokio::test]
async fn registering_a_serial_twice_registers_nothing_and_names_it() {
    let app = spawn_app().await;
    let (product_id, _) = registered(&app, &["A1"]).await;
    let again = app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A2", "A1"]})).await;
    again.expect(409);
    assert!(again.text.contains("A1"), "{}", again.text);
    app.units_lookup(Role::Operator, "?gtin=9520123456788&serial=A2").await.expect(404);
}

#[tokio::test]
async fn a_command_is_accepted_with_its_seq_and_shows_in_the_history_newest_first() {
    let app = spawn_app().await;
    let (_, units) = registered(&app, &["A1"]).await;
    let unit_id = units[0]["id"].as_str().unwrap();
    let op_id = "7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f";
    let body = json!({"op_id": op_id, "command": {"type": "allocate", "order": "SO-1"}});
    let accepted = app.units_commands(Role::Operator, unit_id, body.clone()).await;
    let accepted = accepted.expect(200);
    assert_eq!((accepted["seq"].as_i64(), accepted["unit"]["status"].as_str()), (Some(2), Some("allocated")));
    assert_eq!(accepted["events"][0]["seq"], 2);
    let repeated = app.units_commands(Role::Operator, unit_id, body).await;
    assert_eq!((repeated.expect(200)["repeated"].as_bool(), repeated.body["seq"].as_i64()), (Some(true), Some(2)));
    let history = app.units_history(Role::Auditor, unit_id, "").await;
    let kinds: Vec<_> = history.expect(200)["events"].as_array().unwrap().iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(kinds, [json!("allocated"), json!("commissioned")]);
    let newest = &history.body["events"][0]["payload"];
    assert_eq!(newest["event_id"], op_id, "the event's id is the command's op_id");
    assert_eq!(
        (newest["event"]["from"].as_str(), newest["event"]["to"].as_str()),
        (Some("available"), Some("allocated"))
    );
    assert_eq!(newest["event"]["what"]["order"], "SO-1");
    assert_eq!(history.body["unit"]["state"]["order"], "SO-1");
    let events = app.events_list(Role::Auditor, "?after=0").await;
    assert_eq!(events.expect(200)["head_seq"], 2);
}

#[tokio::test]
async fn a_refused_command_is_a_409_with_the_reason_and_the_units_state() {
    let app = spawn_app().await;
    let (_, units) = registered(&app, &["A1"]).await;
    let unit_id = units[0]["id"].as_str().unwrap();
    let refused = app.units_commands(Role::Operator, unit_id, json!({"command": {"type": "deliver"}})).await;
    refused.expect(409);
    assert_eq!((refused.code(), refused.body["unit"]["status"].as_str()), ("invalid_transition", Some("available")));
    let events = app.events_list(Role::Auditor, "").await;
    assert_eq!(events.expect(200)["head_seq"], 1, "a refusal appends nothing");
}

#[tokio::test]
async fn auditors_cannot_apply_commands_or_register_units() {
    let app = spawn_app().await;
    let (product_id, units) = registered(&app, &["A1"]).await;
    let unit_id = units[0]["id"].as_str().unwrap();
    app.units_commands(Role::Auditor, unit_id, json!({"command": {"type": "allocate", "order": "SO-1"}}))
        .await
        .expect(403);
    app.units_register(Role::Auditor, json!({"product_id": product_id, "serials": ["X"]})).await.expect(403);
    app.units_register(Role::Quality, json!({"product_id": product_id, "serials": ["X"]})).await.expect(403);
}

#[tokio::test]
async fn releasing_a_quarantined_unit_needs_a_second_persons_approval() {
    let app = spawn_app().await;
    let (_, units) = registered(&app, &["A1"]).await;
    let unit_id = units[0]["id"].as_str().unwrap();
    let quarantine = json!({"command": {"type": "quarantine", "reason": "seal looks broken"}});
    app.units_commands(Role::Operator, unit_id, quarantine).await.expect(200);
    let resolve = json!({"type": "resolve_quarantine", "notes": "seal intact"});
    let alone = app.units_commands(Role::Quality, unit_id, json!({"command": resolve})).await;
    assert_eq!((alone.status.as_u16(), alone.code()), (409, "approval_required"));
    let wrong = json!({"command": resolve, "approval": {"username": "acme-supervisor", "password": "wrong"}});
    app.units_commands(Role::Quality, unit_id, wrong).await.expect(422);
    let by_operator = json!({"command": resolve, "approval": {"username": "acme-operator", "password": PASSWORD}});
    let refused = app.units_commands(Role::Quality, unit_id, by_operator).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (409, "approval_required"), "an operator cannot approve");
    let other_tenant = json!({"command": resolve, "approval": {"username": "other-supervisor", "password": PASSWORD}});
    app.units_commands(Role::Quality, unit_id, other_tenant).await.expect(422);
    let approved = json!({"command": resolve, "approval": {"username": "acme-supervisor", "password": PASSWORD}});
    let accepted = app.units_commands(Role::Quality, unit_id, approved).await;
    assert_eq!(accepted.expect(200)["unit"]["status"], "available");
    assert_eq!(accepted.body["events"][0]["payload"]["event"]["approved_by"]["by"], "user:acme-supervisor");
}

#[tokio::test]
async fn the_product_workflow_restricts_who_may_undo_a_decommissioning() {
    let app = spawn_app().await;
    let (_, units) = registered(&app, &["A1"]).await;
    let unit_id = units[0]["id"].as_str().unwrap();
    let decommission = json!({"command": {"type": "decommission", "reason": {"kind": "sample"}}});
    app.units_commands(Role::Operator, unit_id, decommission).await.expect(200);
    let undo = json!({"command": {"type": "undo_decommission"}});
    let by_operator = app.units_commands(Role::Operator, unit_id, undo.clone()).await;
    assert_eq!((by_operator.status.as_u16(), by_operator.code()), (409, "role_not_allowed"));
    app.units_commands(Role::Supervisor, unit_id, undo).await.expect(200);
}

#[tokio::test]
async fn a_bad_command_or_op_id_is_a_422() {
    let app = spawn_app().await;
    let (_, units) = registered(&app, &["A1"]).await;
    let unit_id = units[0]["id"].as_str().unwrap();
    app.units_commands(Role::Operator, unit_id, json!({"command": {"type": "teleport"}})).await.expect(422);
    app.units_commands(Role::Operator, unit_id, json!({"op_id": "x", "command": {"type": "allocate"}}))
        .await
        .expect(422);
}

#[tokio::test]
async fn a_unit_of_an_internal_code_product_is_found_by_code_and_serial() {
    let app = spawn_app().await;
    let coffee = json!({"code_schema": "internal", "code": "CM-500", "name": "Coffee machine",
        "serial_scheme": {"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"}});
    let product_id = app.products_create(Role::Admin, coffee).await.expect(201)["id"].as_str().unwrap().to_owned();
    let body = json!({"product_id": product_id, "serials": ["CM500-2026-0001"]});
    app.units_register(Role::Operator, body).await.expect(201);
    let unit = app.units_lookup(Role::Service, "?code=CM-500&serial=CM500-2026-0001").await;
    assert_eq!(unit.expect(200)["state"]["key"]["product"]["code"], "CM-500");
    app.units_lookup(Role::Service, "?code=CM-500&serial=CM500-2026-0002").await.expect(404);
    app.units_lookup(Role::Service, "?code=CM-500&gtin=9520123456788&serial=X").await.expect(400);
}

#[tokio::test]
async fn a_code_lookup_finds_the_exact_code_among_many_that_contain_it() {
    let app = spawn_app().await;
    for n in 0..55 {
        let similar = json!({"code_schema": "internal", "code": format!("P-1{n}"), "name": format!("Alpha {n}")});
        app.products_create(Role::Admin, similar).await.expect(201);
    }
    let exact = json!({"code_schema": "internal", "code": "P-1", "name": "Zeta"});
    let product_id = app.products_create(Role::Admin, exact).await.expect(201)["id"].as_str().unwrap().to_owned();
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["Z1"]})).await.expect(201);
    let unit = app.units_lookup(Role::Service, "?code=P-1&serial=Z1").await;
    assert_eq!(unit.expect(200)["product_id"], product_id.as_str());
}

#[tokio::test]
async fn a_code_lookup_needs_a_serial_and_a_valid_one() {
    let app = spawn_app().await;
    let missing = app.units_lookup(Role::Service, "?code=CM-500").await;
    assert!(missing.expect(400)["message"].as_str().unwrap().contains("together with serial"));
    app.units_lookup(Role::Service, "?code=CM-500&serial=%00").await.expect(422);
}
