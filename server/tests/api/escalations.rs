//! Escalating a refused change to the supervisors, and settling it.

use crate::helpers::{spawn_app, TestApp};
use crate::pending_op::pending_op;
use reqwest::Method;
use serde_json::json;
use serialtrack_server::auth::Role;

/// A unit A1 and an operator's refused change to it (delivering a unit that was never shipped); its op id.
async fn a_refused_change(app: &TestApp) -> String {
    let product_id = app.a_product("09520123456788", "Pill").await;
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A1"]})).await.expect(201);
    let op = pending_op("tab-1", 1, "A1", json!({"type": "deliver"}));
    let answer = app.post_as(Role::Operator, "/sync/push", json!({"device_id": "tab-1", "ops": [op]})).await;
    let answer = answer.expect(200);
    assert_eq!(answer["results"][0]["outcome"]["kind"], "refused");
    answer["results"][0]["op_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_refused_change_escalated_by_its_operator_reaches_the_supervisors_and_is_settled() {
    let app = spawn_app().await;
    let op_id = a_refused_change(&app).await;
    let body = json!({"op_id": op_id, "note": "the customer has the box"});
    let escalated = app.post_as(Role::Operator, "/sync/escalations", body.clone()).await;
    let escalated = escalated.expect(200).clone();
    assert_eq!((escalated["serial"].as_str(), escalated["command"]["type"].as_str()), (Some("A1"), Some("deliver")));
    assert_eq!(escalated["refusal_code"], "invalid_transition");
    assert_eq!(escalated["server_had"]["by"], "key:acme-operator-key", "who changed the unit last");
    assert_eq!(escalated["escalated_by"], "key:acme-operator-key");
    assert_eq!(escalated["note"], "the customer has the box");
    let again = app.post_as(Role::Operator, "/sync/escalations", body).await;
    assert_eq!(again.expect(200)["escalated_at"], escalated["escalated_at"], "escalating twice changes nothing");

    let open = app.get_as(Role::Supervisor, "/sync/escalations").await;
    let open = open.expect(200)["escalations"].as_array().unwrap().clone();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["op_id"], op_id.as_str());
    let settled = app
        .post_as(Role::Quality, &format!("/sync/escalations/{op_id}/settle"), json!({"note": "redone online"}))
        .await;
    let settled = settled.expect(200).clone();
    assert_eq!(
        (settled["settled_by"].as_str(), settled["settle_note"].as_str()),
        (Some("key:acme-quality-key"), Some("redone online"))
    );
    let open = app.get_as(Role::Supervisor, "/sync/escalations").await;
    assert_eq!(open.expect(200)["escalations"], json!([]), "a settled escalation is no longer open");
    let all = app.get_as(Role::Admin, "/sync/escalations?state=all").await;
    assert_eq!(all.expect(200)["escalations"][0]["settled_by"], "key:acme-quality-key");
}

#[tokio::test]
async fn escalations_refuse_what_is_not_a_refusal_of_ours_and_people_who_may_not_settle() {
    let app = spawn_app().await;
    let op_id = a_refused_change(&app).await;
    let unknown = app.post_as(Role::Operator, "/sync/escalations", json!({"op_id": "no-such-op"})).await;
    assert_eq!((unknown.status.as_u16(), unknown.code()), (404, "not_found"));
    let other = app.other_keys[&Role::Admin].clone();
    let probe = app.call(Method::POST, "/sync/escalations", Some(&other), Some(json!({"op_id": op_id}))).await;
    assert_eq!(probe.status.as_u16(), 404, "another organisation cannot escalate our refusals");
    let escalated = app.post_as(Role::Operator, "/sync/escalations", json!({"op_id": op_id})).await;
    escalated.expect(200);
    let listed = app.call(Method::GET, "/sync/escalations", Some(&other), None).await;
    assert_eq!(listed.expect(200)["escalations"], json!([]), "nor see them");
    let settle = format!("/sync/escalations/{op_id}/settle");
    let by_operator = app.post_as(Role::Operator, &settle, json!({"note": "fine"})).await;
    assert_eq!(by_operator.status.as_u16(), 403, "{:?}", by_operator.body);
    let reading = app.get_as(Role::Operator, "/sync/escalations").await;
    assert_eq!(reading.status.as_u16(), 403);
    let empty = app.post_as(Role::Supervisor, &settle, json!({"note": "  "})).await;
    assert_eq!((empty.status.as_u16(), empty.code()), (422, "invalid_note"));
    let long: String = "x".repeat(1_001);
    let too_long = app.post_as(Role::Operator, "/sync/escalations", json!({"op_id": op_id, "note": long})).await;
    assert_eq!((too_long.status.as_u16(), too_long.code()), (422, "invalid_note"));
    let bad_state = app.get_as(Role::Supervisor, "/sync/escalations?state=closed").await;
    assert_eq!((bad_state.status.as_u16(), bad_state.code()), (422, "invalid_state"));
    let unknown_settle = app.post_as(Role::Supervisor, "/sync/escalations/nope/settle", json!({"note": "x"})).await;
    assert_eq!(unknown_settle.status.as_u16(), 404);
}
