use crate::helpers::spawn_app;
use serde_json::json;
use serialtrack_server::auth::Role;

#[tokio::test]
async fn a_supervisor_adds_a_product_and_finds_it_by_code_or_name() {
    let app = spawn_app().await;
    let body = json!({"code_schema": "gtin", "code": "9520123456788", "name": "Paracetamol 500 mg"});
    let product = app.products_create(Role::Supervisor, body).await;
    let product = product.expect(201);
    assert_eq!(product["gtin"].as_str(), Some("09520123456788"), "GTINs are kept as GTIN-14");
    let internal = json!({"code_schema": "internal", "code": "CM-500", "name": "Coffee machine"});
    app.products_create(Role::Supervisor, internal).await.expect(201);

    for (query, expected) in
        [("?q=parac", "Paracetamol 500 mg"), ("?q=cm-5", "Coffee machine"), ("?q=0952012", "Paracetamol 500 mg")]
    {
        let list = app.products_list(Role::Operator, query).await;
        let names: Vec<_> =
            list.expect(200)["products"].as_array().unwrap().iter().map(|p| p["name"].clone()).collect();
        assert_eq!(names, [json!(expected)], "query {query}");
    }
    assert_eq!(app.products_list(Role::Auditor, "").await.expect(200)["products"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_gtin_with_a_wrong_check_digit_is_refused_with_the_right_digit() {
    let app = spawn_app().await;
    let body = json!({"code_schema": "gtin", "code": "9520123456789", "name": "Typo"});
    let answer = app.products_create(Role::Admin, body).await;
    answer.expect(422);
    assert_eq!(answer.code(), "invalid_product_code");
    assert!(answer.body["message"].as_str().unwrap().contains("should be 8"), "{}", answer.text);
}

#[tokio::test]
async fn the_same_code_twice_is_a_conflict() {
    let app = spawn_app().await;
    app.a_product("9520123456788", "First").await;
    let again = app
        .products_create(Role::Admin, json!({"code_schema": "gtin", "code": "09520123456788", "name": "Again"}))
        .await;
    again.expect(409);
    assert_eq!(again.code(), "duplicate_product");
}

#[tokio::test]
async fn operators_and_auditors_cannot_add_or_change_products() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    for role in [Role::Operator, Role::Auditor, Role::Quality, Role::Service] {
        let body = json!({"code_schema": "internal", "code": "X-1", "name": "X"});
        app.products_create(role, body).await.expect(403);
        app.products_update(role, &product_id, json!({"name": "Renamed"})).await.expect(403);
    }
}

#[tokio::test]
async fn a_product_is_renamed_and_its_settings_changed() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let body = json!({"name": "Pill 20 mg", "serial_source": "imported"});
    let updated = app.products_update(Role::Supervisor, &product_id, body).await;
    let updated = updated.expect(200);
    assert_eq!((updated["name"].as_str(), updated["serial_source"].as_str()), (Some("Pill 20 mg"), Some("imported")));
    app.products_update(Role::Admin, "no-such-product", json!({"name": "x"})).await.expect(404);
    app.products_update(Role::Admin, &product_id, json!({"name": ""})).await.expect(422);
}

#[tokio::test]
async fn a_serial_scheme_is_checked_with_the_shared_generator() {
    let app = spawn_app().await;
    let patterned = json!({"code_schema": "internal", "code": "CM-500", "name": "Coffee machine",
        "serial_scheme": {"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"}});
    let product = app.products_create(Role::Admin, patterned).await;
    let product_id = product.expect(201)["id"].as_str().unwrap().to_owned();
    app.pool_generate(Role::Admin, &product_id, 20).await.expect(201);
    let year = time::OffsetDateTime::now_utc().year();
    let expected: Vec<String> = [1, 2, 20, 21].iter().map(|n| format!("CM500-{year}-{n:04}")).collect();
    let found = app.store.pool_existing(&app.tenant_id, &product_id, &expected).await.unwrap();
    assert_eq!(found.len(), 3, "serials 1 to 20 of this year, numbered from 1: {found:?}");
    let bad = json!({"code_schema": "internal", "code": "X-1", "name": "X", "serial_scheme": {"kind": "randomised", "alphabet": "A", "length": 0}});
    app.products_create(Role::Admin, bad).await.expect(422);
    let unknown = json!({"code_schema": "internal", "code": "X-2", "name": "X", "serial_scheme": {"kind": "magic"}});
    app.products_create(Role::Admin, unknown).await.expect(422);
}

#[tokio::test]
async fn a_products_attributes_retention_and_yield_range_are_kept_and_checked() {
    let app = spawn_app().await;
    let details = json!({
        "attributes": {"strength": "20 mg", "pack": "30 tablets"},
        "retention": {"keep_years": 10, "archive_after_years": 3, "counted_from": "expiry"},
        "yield_range": {"min_percent": 95, "max_percent": 100},
    });
    let body = json!({"code_schema": "gtin", "code": "09520123456788", "name": "Pill", "details": details});
    let product = app.products_create(Role::Supervisor, body).await.expect(201).clone();
    assert_eq!(product["details"], details);
    let product_id = product["id"].as_str().unwrap();

    // Kept for ever, no yield range: the details are replaced as a whole.
    let kept = json!({"retention": {"keep_years": null, "archive_after_years": 2, "counted_from": "last_event"}});
    let changed = app.products_update(Role::Admin, product_id, json!({"details": kept})).await;
    assert_eq!(changed.expect(200)["details"], kept);
    let shown = app.products_list(Role::Auditor, "?q=pill").await;
    assert_eq!(shown.expect(200)["products"][0]["details"], kept);
    let plain = app.products_create(Role::Admin, json!({"code_schema": "internal", "code": "CM-5", "name": "M"})).await;
    assert_eq!(plain.expect(201)["details"], json!({}), "no details: the organisation's retention, no range");

    // Given details that are wrong, then each is refused with what to correct, and nothing changes.
    let given_then = [
        (json!({"yield_range": {"min_percent": 99, "max_percent": 95}}), "99–95 is not"),
        (
            json!({"retention": {"keep_years": 2, "archive_after_years": 5, "counted_from": "expiry"}}),
            "archived before",
        ),
        (json!({"attributes": {" pack": "30"}}), "attribute's name"),
        (json!({"attributes": {"pack": ""}}), "needs a value"),
        (json!({"yeld_range": {"min_percent": 90, "max_percent": 100}}), "yeld_range"),
    ];
    for (details, words) in given_then {
        let refused = app.products_update(Role::Admin, product_id, json!({"details": details})).await;
        refused.expect(422);
        assert!(refused.text.contains(words), "{details}: {}", refused.text);
    }
    let after = app.get_as(Role::Admin, &format!("/products/{product_id}")).await;
    assert_eq!(after.expect(200)["details"], kept);
}
