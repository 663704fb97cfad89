//! Quotas: an API key asks for at most its limit of serials at once, a brand owner gives a partner at most the
//! partnership's limit at once; an admin sees and changes both.

use crate::helpers::spawn_app;
use reqwest::Method;
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
    let created = app.admin_does(Method::POST, "/api_keys", Some(body)).await;
    let raised = created.expect(201)["key"].as_str().expect("a key").to_owned();
    let path = format!("/products/{product_id}/pool/generate");
    let passed = app.call(reqwest::Method::POST, &path, Some(&raised), Some(json!({"count": 120_000}))).await;
    assert_eq!(passed.expect(201)["added"], 120_000);
    let beyond = app.call(reqwest::Method::POST, &path, Some(&raised), Some(json!({"count": 150_001}))).await;
    assert_eq!((beyond.expect(422), beyond.code()).1, "quota_exceeded");

    let bad = json!({"name": "greedy", "role": "supervisor", "max_serials_per_request": 0});
    assert_eq!(app.admin_does(Method::POST, "/api_keys", Some(bad)).await.expect(422)["code"], "invalid_quota");
}

#[tokio::test]
async fn an_admin_sees_each_keys_grants_and_changes_them_at_once() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let body = json!({"name": "erp", "role": "supervisor", "max_serials_per_request": 2_000});
    let created = app.admin_does(Method::POST, "/api_keys", Some(body)).await;
    let created = created.expect(201);
    let (key, key_id) =
        (created["key"].as_str().unwrap().to_owned(), created["api_key"]["id"].as_str().unwrap().to_owned());
    assert_eq!(
        (created["api_key"]["max_serials_per_request"].as_i64(), created["api_key"]["reads_extra"].as_bool()),
        (Some(2_000), Some(false))
    );
    let listed = app.get_as(Role::Admin, "/api_keys").await;
    let erp = listed.expect(200)["api_keys"].as_array().unwrap().iter().find(|k| k["name"] == "erp").cloned().unwrap();
    assert_eq!((erp["max_serials_per_request"].as_i64(), erp["reads_extra"].as_bool()), (Some(2_000), Some(false)));

    let path = format!("/api_keys/{key_id}");
    let lowered = app
        .admin_does(Method::PATCH, &path, Some(json!({"max_serials_per_request": 1_000, "reads_extra": true})))
        .await;
    assert_eq!(
        (lowered.expect(200)["max_serials_per_request"].as_i64(), lowered.body["reads_extra"].as_bool()),
        (Some(1_000), Some(true))
    );
    let generate = format!("/products/{product_id}/pool/generate");
    let refused = app.call(Method::POST, &generate, Some(&key), Some(json!({"count": 1_001}))).await;
    assert!(
        refused.expect(422)["message"].as_str().unwrap().contains("at most 1,000 serials at once"),
        "the new limit holds at once"
    );
    let extra = app.call(Method::GET, &format!("/products/{product_id}/pool/extra?serials=S1"), Some(&key), None).await;
    assert_eq!(extra.status.as_u16(), 200, "reads_extra holds at once: {}", extra.text);

    let zero = app.admin_does(Method::PATCH, &path, Some(json!({"max_serials_per_request": 0}))).await;
    assert_eq!(zero.expect(422)["code"], "invalid_quota");
    app.admin_does(Method::PATCH, "/api_keys/nope", Some(json!({"reads_extra": false}))).await.expect(404);
    let supervisor = Some(app.key(Role::Supervisor));
    app.call(Method::PATCH, &path, supervisor, Some(json!({"reads_extra": false}))).await.expect(403);
    let other = app.person_does("other-admin", Method::PATCH, &path, Some(json!({"reads_extra": false}))).await;
    other.expect(404);
}

#[tokio::test]
async fn an_assignment_to_a_partner_is_bounded_by_the_partnership() {
    let app = spawn_app().await;
    let (partner_id, partner_keys) = app.a_partner().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    app.pool_generate(Role::Admin, &product_id, 100).await.expect(201);
    let limit = |max: u64| Some(json!({ "max_serials_per_request": max }));
    let partner_path = format!("/partners/{partner_id}");
    let set = app.admin_does(Method::PATCH, &partner_path, limit(10)).await;
    assert_eq!(
        (set.expect(200)["id"].as_str(), set.body["max_serials_per_request"].as_i64()),
        (Some(partner_id.as_str()), Some(10))
    );
    let partners = app.get_as(Role::Supervisor, "/partners").await;
    assert_eq!(partners.expect(200)["partners"][0]["max_serials_per_request"], 10);
    let their_view = app.call(Method::GET, "/partners", Some(&partner_keys[&Role::Admin]), None).await;
    assert_eq!(
        their_view.expect(200)["partners"][0]["max_serials_per_request"],
        json!(null),
        "the owner's limit is the owner's"
    );
    let own_limit =
        app.person_does("cmo-admin", Method::PATCH, &format!("/partners/{}", app.tenant_id), limit(1_000_000)).await;
    assert_eq!(own_limit.expect(404)["code"], "not_found", "a partner cannot raise its own limit");
    app.call(Method::PATCH, &partner_path, Some(app.key(Role::Supervisor)), limit(20)).await.expect(403);
    app.admin_does(Method::PATCH, &partner_path, limit(0)).await.expect(422);
    app.admin_does(Method::PATCH, "/partners/nope", limit(20)).await.expect(404);
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
    let key =
        app.admin_does(Method::POST, "/api_keys", Some(body)).await.expect(201)["key"].as_str().unwrap().to_owned();
    let refused = app.call(reqwest::Method::POST, "/orders", Some(&key), Some(order(1_001))).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (422, "quota_exceeded"));
    assert!(refused.body["message"].as_str().unwrap().contains("at most 1,000 serials at once"));
    assert_eq!(app.pool_counts(Role::Admin).await.expect(200)["products"][0]["available"], 0, "nothing generated");
    let made = app.call(reqwest::Method::POST, "/orders", Some(&key), Some(order(1_000))).await;
    assert_eq!(made.expect(201)["counts"]["assigned"], 1_000);
}
