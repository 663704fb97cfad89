//! `Idempotency-Key`: a retried write happens once and answers as the first time did.

use crate::helpers::{spawn_app, Answer, TestApp};
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use serialtrack_server::store::{IdempotencyClaim, IdempotencyScope};

async fn generate(app: &TestApp, role: Role, product_id: &str, body: Value, idempotency_key: Option<&str>) -> Answer {
    let url = format!("{}/api/v1/products/{product_id}/pool/generate", app.address);
    let mut request = app.client.post(url).bearer_auth(app.key(role)).json(&body);
    if let Some(key) = idempotency_key {
        request = request.header("Idempotency-Key", key);
    }
    Answer::read(request.send().await.expect("sending a request")).await
}

async fn available(app: &TestApp) -> i64 {
    app.pool_counts(Role::Admin).await.expect(200)["products"][0]["available"].as_i64().unwrap_or(-1)
}

fn replayed(answer: &Answer) -> bool {
    answer.headers.get("idempotent-replayed").is_some_and(|value| value == "true")
}

#[tokio::test]
async fn a_retry_with_the_same_key_generates_once_and_answers_the_same() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let first = generate(&app, Role::Supervisor, &product_id, json!({"count": 50}), Some("batch-7")).await;
    assert_eq!(first.expect(201)["added"], 50);
    assert!(!replayed(&first));
    let retry = generate(&app, Role::Supervisor, &product_id, json!({"count": 50}), Some("batch-7")).await;
    assert_eq!((retry.status, &retry.text), (first.status, &first.text), "the first answer again");
    assert_eq!(retry.headers.get("content-type"), first.headers.get("content-type"));
    assert!(replayed(&retry));
    assert_eq!(available(&app).await, 50, "generated once");

    let other = generate(&app, Role::Supervisor, &product_id, json!({"count": 60}), Some("batch-7")).await;
    assert_eq!((other.expect(422), other.code()).1, "idempotency_key_reused");
    let someone_else = generate(&app, Role::Admin, &product_id, json!({"count": 60}), Some("batch-7")).await;
    assert_eq!(someone_else.expect(201)["added"], 60, "keys of different callers never collide");
    assert_eq!(available(&app).await, 110);
}

#[tokio::test]
async fn without_the_header_every_request_runs() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    for _ in 0..2 {
        let answer = generate(&app, Role::Supervisor, &product_id, json!({"count": 10}), None).await;
        assert!(!replayed(&answer));
        answer.expect(201);
    }
    assert_eq!(available(&app).await, 20);
}

#[tokio::test]
async fn refusals_are_kept_too_and_a_bad_key_is_a_400() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let refused = generate(&app, Role::Supervisor, &product_id, json!({"count": 0}), Some("zero")).await;
    refused.expect(422);
    let again = generate(&app, Role::Supervisor, &product_id, json!({"count": 0}), Some("zero")).await;
    again.expect(422);
    assert!(replayed(&again), "a refusal is kept and replayed too");
    let too_long = "k".repeat(201);
    let bad = generate(&app, Role::Supervisor, &product_id, json!({"count": 1}), Some(&too_long)).await;
    assert_eq!((bad.expect(400), bad.code()).1, "invalid_idempotency_key");
    assert_eq!(available(&app).await, 0);
}

#[tokio::test]
async fn a_retry_while_the_first_still_runs_is_told_to_wait() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let me = app.get_as(Role::Supervisor, "/me").await;
    let key_id = me.expect(200)["id"].as_str().expect("a key id").to_owned();
    let path = format!("/api/v1/products/{product_id}/pool/generate");
    let hash = serialtrack_server::web::idempotency_request_hash("POST", &path, br#"{"count":5}"#);
    let scope = IdempotencyScope { tenant_id: &app.tenant_id, principal_id: &key_id, key: "slow" };
    let claim = app.store.idempotency_claim(scope, &hash, 0).await.expect("claiming a key");
    assert_eq!(claim, IdempotencyClaim::Claimed, "the first request, still running");
    let retry = generate(&app, Role::Supervisor, &product_id, json!({"count": 5}), Some("slow")).await;
    assert_eq!((retry.expect(409), retry.code()).1, "request_in_progress");
    assert!(retry.text.contains("retry in a moment"), "{}", retry.text);
    assert_eq!(available(&app).await, 0);
    let a_day_later = app.store.idempotency_claim(scope, "another request", i64::MAX).await.expect("claiming");
    assert_eq!(a_day_later, IdempotencyClaim::Claimed, "an expired key is forgotten when used again");
}
