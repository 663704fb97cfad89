//! Quotas: an API key asks for at most its limit of serials at once; an admin may raise it.

use crate::helpers::spawn_app;
use serde_json::json;
use serialtrack_server::auth::Role;

#[tokio::test]
async fn a_key_asking_beyond_its_quota_is_refused_and_a_raised_key_passes() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let refused = app.pool_generate(Role::Supervisor, &product_id, 1_000_000).await;
    assert_eq!((refused.expect(422), refused.code()).1, "quota_exceeded");
    let words = "this API key may ask for at most 100,000 serials at once and this request asks for 1,000,000: \
                 split it into requests of at most 100,000, or ask an admin to raise the key's limit";
    assert_eq!(refused.body["message"], words);

    let body = json!({"name": "erp", "role": "supervisor", "max_serials_per_request": 150_000});
    let created = app.post_as(Role::Admin, "/api_keys", body).await;
    let raised = created.expect(201)["key"].as_str().expect("a key").to_owned();
    let path = format!("/products/{product_id}/pool/generate");
    let passed = app.call(reqwest::Method::POST, &path, Some(&raised), Some(json!({"count": 120_000}))).await;
    assert_eq!(passed.expect(201)["added"], 120_000);
    let beyond = app.call(reqwest::Method::POST, &path, Some(&raised), Some(json!({"count": 150_001}))).await;
    assert_eq!((beyond.expect(422), beyond.code()).1, "quota_exceeded");

    let bad = json!({"name": "greedy", "role": "supervisor", "max_serials_per_request": 0});
    assert_eq!(app.post_as(Role::Admin, "/api_keys", bad).await.expect(422)["code"], "invalid_quota");
}

#[tokio::test]
async fn an_assignment_to_a_partner_is_bounded_by_the_partnership() {
    let app = spawn_app().await;
    let (partner_id, _) = app.a_partner().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    app.pool_generate(Role::Admin, &product_id, 100).await.expect(201);
    assert!(app.store.partnership_set_max_serials(&app.tenant_id, &partner_id, 10).await.expect("setting a quota"));
    let path = format!("/products/{product_id}/pool/assign");
    let too_many = json!({"count": 11, "assigned_to": "CMO", "partner_tenant_id": partner_id});
    assert_eq!(app.post_as(Role::Admin, &path, too_many).await.expect(422)["code"], "quota_exceeded");
    let enough = json!({"count": 10, "assigned_to": "CMO", "partner_tenant_id": partner_id});
    app.post_as(Role::Admin, &path, enough).await.expect(200);
}

/// The partners of the anchors asked for 1,000,000 serials in one order instead of 100,000: a key's order
/// beyond its quota is refused in words before anything is generated; within it, the order is made.
#[tokio::test]
async fn an_order_beyond_the_keys_quota_is_refused_before_anything_is_generated() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let order = |quantity: u32| json!({"kind": "printing", "product_id": product_id, "lot": "L1", "expiry": "2029-01-31", "quantity": quantity});
    let body = json!({"name": "erp", "role": "supervisor", "max_serials_per_request": 1_000});
    let key = app.post_as(Role::Admin, "/api_keys", body).await.expect(201)["key"].as_str().unwrap().to_owned();
    let refused = app.call(reqwest::Method::POST, "/orders", Some(&key), Some(order(1_001))).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (422, "quota_exceeded"));
    assert!(refused.body["message"].as_str().unwrap().contains("at most 1,000 serials at once"));
    assert_eq!(app.pool_counts(Role::Admin).await.expect(200)["products"][0]["available"], 0, "nothing generated");
    let made = app.call(reqwest::Method::POST, "/orders", Some(&key), Some(order(1_000))).await;
    assert_eq!(made.expect(201)["counts"]["assigned"], 1_000);
}
