//! Working an order: device blocks (reserve, return), commissioning online, and the pool's rule for
//! commissioning through a sync push or a registration.

use crate::helpers::{spawn_app, Answer, TestApp};
use crate::orders::{order_serials, product_with_order};
use crate::pending_op::pending_op;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use std::collections::HashSet;

async fn reserve(app: &TestApp, role: Role, order_id: &str, device: &str, count: u32) -> Answer {
    app.post_as(role, &format!("/orders/{order_id}/reserve"), json!({"device_id": device, "count": count})).await
}

fn serials_of(answer: &Answer) -> Vec<String> {
    serde_json::from_value(answer.expect(200)["serials"].clone()).expect("a list of serials")
}

async fn push(app: &TestApp, device: &str, ops: Vec<Value>) -> Value {
    let answer = app.post_as(Role::Operator, "/sync/push", json!({"device_id": device, "ops": ops})).await;
    answer.expect(200).clone()
}

fn commission_op(device: &str, device_seq: u64, serial: &str) -> Value {
    pending_op(device, device_seq, serial, json!({"type": "commission", "lot": "LOT1", "expiry": "2027-03-31"}))
}

#[tokio::test]
async fn blocks_add_up_until_the_order_is_exhausted() {
    let app = spawn_app().await;
    let (_, order_id) = product_with_order(&app, 10).await;
    let first = serials_of(&reserve(&app, Role::Operator, &order_id, "tab-1", 4).await);
    let second = serials_of(&reserve(&app, Role::Operator, &order_id, "tab-1", 4).await);
    let third = serials_of(&reserve(&app, Role::Supervisor, &order_id, "tab-2", 4).await);
    assert_eq!((first.len(), second.len(), third.len()), (4, 4, 2), "the last block is what is left");
    let all: HashSet<&String> = first.iter().chain(&second).chain(&third).collect();
    assert_eq!(all.len(), 10, "no serial twice");
    let order = app.get_as(Role::Auditor, &format!("/orders/{order_id}")).await;
    assert_eq!(order.expect(200)["counts"], json!({"assigned": 10, "reserved": 10, "commissioned": 0}));
    let rows = order_serials(&app, &order_id).await;
    let on_tab_2: Vec<&str> =
        rows.iter().filter(|row| row["device_id"] == "tab-2").map(|row| row["serial"].as_str().unwrap()).collect();
    assert_eq!(on_tab_2, third.iter().map(String::as_str).collect::<Vec<_>>());
    let none = reserve(&app, Role::Operator, &order_id, "tab-3", 1).await;
    assert_eq!((none.expect(409), none.code()), (&none.body, "order_exhausted"));
}

#[tokio::test]
async fn bad_reserves_and_returns_are_refused() {
    let app = spawn_app().await;
    let (_, order_id) = product_with_order(&app, 5).await;
    for (count, device) in [(0, "tab-1"), (10_001, "tab-1"), (1, ""), (1, "tab 1")] {
        let answer = reserve(&app, Role::Operator, &order_id, device, count).await;
        answer.expect(422);
        assert!(["invalid_count", "invalid_device_id"].contains(&answer.code()), "{}", answer.text);
    }
    reserve(&app, Role::Auditor, &order_id, "tab-1", 1).await.expect(403);
    reserve(&app, Role::Operator, "nope", "tab-1", 1).await.expect(404);
    let path = format!("/orders/{order_id}/return");
    app.post_as(Role::Auditor, &path, json!({"device_id": "tab-1"})).await.expect(403);
    let bad = app.post_as(Role::Operator, &path, json!({"device_id": "tab-1", "serials": ["BAD SERIAL"]})).await;
    assert_eq!((bad.expect(422), bad.code()), (&bad.body, "invalid_serials"));
    app.post_as(Role::Operator, "/orders/nope/return", json!({"device_id": "tab-1"})).await.expect(404);
    let other_key = Some(app.other_keys[&Role::Operator].as_str());
    let body = Some(json!({"device_id": "tab-1", "count": 1}));
    let other = app.call(reqwest::Method::POST, &format!("/orders/{order_id}/reserve"), other_key, body).await;
    other.expect(404);
}

#[tokio::test]
async fn a_device_id_of_another_organisation_cannot_reserve() {
    let app = spawn_app().await;
    let (_, order_id) = product_with_order(&app, 5).await;
    let ops = vec![pending_op("theirs", 1, "Z1", json!({"type": "add_note", "text": "x"}))];
    let body = json!({"device_id": "theirs", "ops": ops});
    app.call(reqwest::Method::POST, "/sync/push", Some(&app.other_keys[&Role::Operator]), Some(body)).await.expect(200);
    let answer = reserve(&app, Role::Operator, &order_id, "theirs", 1).await;
    assert_eq!((answer.expect(409), answer.code()), (&answer.body, "device_of_another_organisation"));
}

#[tokio::test]
async fn devices_reserving_at_once_never_get_the_same_serial() {
    let app = spawn_app().await;
    let (_, order_id) = product_with_order(&app, 200).await;
    let calls =
        (0..24).map(|n| reserve(&app, Role::Operator, &order_id, if n % 2 == 0 { "tab-1" } else { "tab-2" }, 10));
    let answers = futures_util::future::join_all(calls).await;
    let mut seen = HashSet::new();
    let mut exhausted = 0;
    for answer in &answers {
        if answer.status.as_u16() == 409 {
            assert_eq!(answer.code(), "order_exhausted");
            exhausted += 1;
            continue;
        }
        for serial in serials_of(answer) {
            assert!(seen.insert(serial.clone()), "{serial} was reserved twice");
        }
    }
    assert_eq!((seen.len(), exhausted), (200, 4), "200 serials in 20 blocks, then nothing left");
}

#[tokio::test]
async fn a_device_returns_its_unused_serials_for_others_to_take() {
    let app = spawn_app().await;
    let (_, order_id) = product_with_order(&app, 6).await;
    let block = serials_of(&reserve(&app, Role::Operator, &order_id, "tab-1", 6).await);
    push(&app, "tab-1", vec![commission_op("tab-1", 1, &block[0])]).await;
    let path = format!("/orders/{order_id}/return");
    let listed =
        app.post_as(Role::Operator, &path, json!({"device_id": "tab-1", "serials": [block[0], block[1]]})).await;
    assert_eq!(listed.expect(200)["returned"], 1, "a commissioned serial is not returned");
    let by_other = app.post_as(Role::Operator, &path, json!({"device_id": "tab-2"})).await;
    assert_eq!(by_other.expect(200)["returned"], 0, "only the device's own serials");
    let rest = app.post_as(Role::Operator, &path, json!({"device_id": "tab-1"})).await;
    assert_eq!(rest.expect(200)["returned"], 4);
    let order = app.get_as(Role::Auditor, &format!("/orders/{order_id}")).await;
    assert_eq!(order.expect(200)["counts"], json!({"assigned": 6, "reserved": 1, "commissioned": 1}));
    let taken = serials_of(&reserve(&app, Role::Operator, &order_id, "tab-2", 10).await);
    assert_eq!(taken, block[1..].to_vec(), "returned serials are free again; the commissioned one is not");
}

#[tokio::test]
async fn a_push_commissions_only_serials_reserved_to_that_device() {
    let app = spawn_app().await;
    let (product_id, order_id) = product_with_order(&app, 4).await;
    let block = serials_of(&reserve(&app, Role::Operator, &order_id, "tab-1", 2).await);
    let free: Vec<String> = order_serials(&app, &order_id)
        .await
        .iter()
        .filter(|row| row["device_id"].is_null())
        .map(|row| row["serial"].as_str().unwrap().to_owned())
        .collect();
    let pushed = push(&app, "tab-2", vec![commission_op("tab-2", 1, &block[0])]).await;
    let refused = &pushed["results"][0]["outcome"];
    assert_eq!((refused["kind"].as_str(), refused["code"].as_str()), (Some("refused"), Some("serial_not_assigned")));
    let words = format!("serial {} is not assigned to this device: reserve a block for the order first", block[0]);
    assert_eq!(refused["message"], words);
    let own = push(&app, "tab-1", vec![commission_op("tab-1", 1, &block[0])]).await;
    assert_eq!(own["results"][0]["outcome"]["kind"], "accepted");
    let unreserved = push(&app, "tab-2", vec![commission_op("tab-2", 2, &free[0])]).await;
    assert_eq!(unreserved["results"][0]["outcome"]["kind"], "accepted", "an assigned serial no device holds");
    let outside = push(&app, "tab-2", vec![commission_op("tab-2", 3, "NOT-IN-POOL")]).await;
    assert_eq!(outside["results"][0]["outcome"]["kind"], "accepted", "a serial the pool does not hold");
    let order = app.get_as(Role::Auditor, &format!("/orders/{order_id}")).await;
    assert_eq!(order.expect(200)["counts"]["commissioned"], 2);
    let history = app.get_as(Role::Auditor, &format!("/products/{product_id}/pool/serials/{}", block[0])).await;
    let history = history.expect(200);
    assert!(history["unit_id"].is_string());
    let last = history["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "commissioned");
    let product = app.get_as(Role::Auditor, &format!("/products/{product_id}")).await.expect(200).clone();
    let unit = format!("as unit {} · {} on device tab-1", product["code"].as_str().unwrap(), block[0]);
    assert_eq!(last["detail"], unit, "the unit by its product code and serial, not its id");
}

#[tokio::test]
async fn an_available_pool_serial_is_not_commissioned_by_push_or_registration() {
    let app = spawn_app().await;
    let product_id = app.a_product(crate::orders::GTIN, "Pill").await;
    app.pool_import(Role::Admin, &product_id, json!({"serials": ["P1", "P2"]})).await.expect(201);
    let pushed = push(&app, "tab-1", vec![commission_op("tab-1", 1, "P1")]).await;
    assert_eq!(pushed["results"][0]["outcome"]["code"], "serial_not_assigned");
    let registered =
        app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["P2", "FREE"]})).await;
    assert_eq!((registered.expect(409), registered.code()), (&registered.body, "serial_not_assigned"));
    assert!(registered.text.contains("serial P2 is not assigned"), "{}", registered.text);
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["FREE"]})).await.expect(201);
}

#[tokio::test]
async fn an_order_commissions_online_all_or_none() {
    let app = spawn_app().await;
    let (product_id, order_id) = product_with_order(&app, 5).await;
    let other_order = crate::orders::an_order(&app, crate::orders::packaging(&product_id, 1)).await;
    let elsewhere =
        order_serials(&app, other_order["id"].as_str().unwrap()).await[0]["serial"].as_str().unwrap().to_owned();
    let block = serials_of(&reserve(&app, Role::Operator, &order_id, "tab-1", 1).await);
    let free: Vec<String> = order_serials(&app, &order_id)
        .await
        .iter()
        .filter(|row| row["device_id"].is_null())
        .map(|row| row["serial"].as_str().unwrap().to_owned())
        .collect();
    let path = format!("/orders/{order_id}/commission");
    let done = app.post_as(Role::Operator, &path, json!({"serials": [free[0], free[1]], "location": "Line 1"})).await;
    assert_eq!(done.expect(200)["commissioned"], 2);
    let unit = app.units_lookup(Role::Auditor, &format!("?gtin={}&serial={}", crate::orders::GTIN, free[0])).await;
    let unit = unit.expect(200).clone();
    assert_eq!(unit["lot"], "LOT1", "the order's lot: {unit}");
    let mixed = json!({"serials": [free[2], free[0], block[0], elsewhere, "NOPE"]});
    let refused = app.post_as(Role::Operator, &path, mixed).await;
    assert_eq!((refused.expect(409), refused.code()), (&refused.body, "commission_refused"));
    let message = refused.body["message"].as_str().unwrap();
    for reason in [
        format!("{}: already commissioned", free[0]),
        format!("{}: reserved to device tab-1", block[0]),
        format!("{elsewhere}: not in this order"),
        "NOPE: not in this order".to_owned(),
    ] {
        assert!(message.contains(&reason), "{reason}: {message}");
    }
    assert!(!message.contains(&format!("{}:", free[2])), "{message}");
    let order = app.get_as(Role::Auditor, &format!("/orders/{order_id}")).await;
    assert_eq!(order.expect(200)["counts"]["commissioned"], 2, "nothing of a refused call was commissioned");
    app.post_as(Role::Auditor, &path, json!({"serials": [free[2]]})).await.expect(403);
    let empty = app.post_as(Role::Operator, &path, json!({"serials": []})).await;
    assert_eq!((empty.expect(422), empty.code()), (&empty.body, "invalid_count"));
    let repeated = app.post_as(Role::Operator, &path, json!({"serials": [free[2], free[2]]})).await;
    assert_eq!((repeated.expect(422), repeated.code()), (&repeated.body, "invalid_serials"));
}
