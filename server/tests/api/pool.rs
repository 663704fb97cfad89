use crate::helpers::spawn_app;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;

#[tokio::test]
async fn an_imported_list_is_taken_whole_and_counted() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let serials: Vec<String> = (0..2_000).map(|n| format!("IMP{n:05}")).collect();
    let added = app.pool_import(Role::Supervisor, &product_id, json!({"serials": serials})).await;
    assert_eq!(added.expect(201)["added"], 2_000);
    let counts = app.pool_counts(Role::Auditor).await;
    let product = &counts.expect(200)["products"][0];
    assert_eq!((product["available"].as_i64(), product["assigned"].as_i64()), (Some(2_000), Some(0)));
}

#[tokio::test]
async fn one_bad_or_repeated_serial_refuses_the_whole_import() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let bad = app.pool_import(Role::Admin, &product_id, json!({"serials": ["OK1", "BAD SPACE", "OK2"]})).await;
    bad.expect(422);
    assert!(bad.text.contains("BAD SPACE"), "{}", bad.text);
    let repeated = app.pool_import(Role::Admin, &product_id, json!({"serials": ["A", "B", "A"]})).await;
    repeated.expect(422);
    app.pool_import(Role::Admin, &product_id, json!({"serials": ["A", "B"]})).await.expect(201);
    let overlap = app.pool_import(Role::Admin, &product_id, json!({"serials": ["C", "B"]})).await;
    overlap.expect(409);
    assert_eq!(overlap.code(), "serials_in_pool");
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(counts.expect(200)["products"][0]["available"], 2, "nothing of a refused list is kept");
}

#[tokio::test]
async fn generated_serials_never_repeat_across_calls() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    app.pool_generate(Role::Supervisor, &product_id, 1_000).await.expect(201);
    app.pool_generate(Role::Supervisor, &product_id, 1_000).await.expect(201);
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(counts.expect(200)["products"][0]["available"], 2_000);
    app.pool_generate(Role::Operator, &product_id, 10).await.expect(403);
    app.pool_generate(Role::Admin, &product_id, 0).await.expect(422);
}

#[tokio::test]
async fn serials_assigned_to_a_partner_are_all_the_partner_sees() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    app.pool_generate(Role::Admin, &product_id, 100).await.expect(201);
    let not_partner = json!({"count": 5, "assigned_to": "order 1", "partner_tenant_id": "someone-else"});
    app.post_as(Role::Admin, &format!("/products/{product_id}/pool/assign"), not_partner).await.expect(422);
    let order = json!({"count": 5, "assigned_to": "order 1"});
    let assigned = app.post_as(Role::Supervisor, &format!("/products/{product_id}/pool/assign"), order).await;
    assert_eq!(assigned.expect(200)["serials"].as_array().unwrap().len(), 5);
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(counts.expect(200)["products"][0]["assigned"], 5);
    let partner_view =
        app.call(reqwest::Method::GET, "/pool/partner_serials", Some(&app.other_keys[&Role::Admin]), None);
    assert_eq!(partner_view.await.expect(200)["serials"].as_array().unwrap().len(), 0, "no partnership, nothing seen");
}

#[tokio::test]
async fn assigned_serials_are_released_whole_or_refused_with_each_reason() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let list = json!({"serials": ["S1", "S2", "S3", "S4"]});
    app.pool_import(Role::Admin, &product_id, list).await.expect(201);
    let external = json!({"serials": ["X1"], "source": "external"});
    app.pool_import(Role::Admin, &product_id, external).await.expect(201);
    let assign = json!({"count": 5, "assigned_to": "packaging order PO-7"});
    app.post_as(Role::Supervisor, &format!("/products/{product_id}/pool/assign"), assign).await.expect(200);
    let body = json!({"product_id": product_id, "serials": ["S3"]});
    app.units_register(Role::Operator, body).await.expect(201);
    let release = |serials: Value| json!({ "serials": serials });
    let path = format!("/products/{product_id}/pool/release");
    let refused = app.post_as(Role::Supervisor, &path, release(json!(["S1", "S3", "X1", "NOPE"]))).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (409, "release_refused"));
    let errors = refused.body["errors"].as_array().cloned().unwrap_or_default();
    let listed: Vec<(&str, &str)> =
        errors.iter().map(|e| (e["value"].as_str().unwrap_or(""), e["problem"].as_str().unwrap_or(""))).collect();
    assert_eq!(listed.len(), 3, "every refused serial, and only those: {}", refused.text);
    for (serial, reason) in
        [("S3", "a commissioned serial"), ("X1", "belongs to an external system"), ("NOPE", "not in")]
    {
        assert!(
            listed.iter().any(|(value, why)| *value == serial && why.contains(reason)),
            "{serial}: {}",
            refused.text
        );
    }
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(counts.expect(200)["products"][0]["assigned"], 5, "nothing was released");
    let released = app.post_as(Role::Supervisor, &path, release(json!(["S1", "S2"]))).await;
    assert_eq!(released.expect(200)["released"], 2);
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(
        (counts.expect(200)["products"][0]["available"].as_i64(), counts.body["products"][0]["assigned"].as_i64()),
        (Some(2), Some(3))
    );
    let again = app.post_as(Role::Supervisor, &path, release(json!(["S1"]))).await;
    assert!(again.expect(409)["errors"][0]["problem"].as_str().unwrap().contains("available already"));
    app.post_as(Role::Operator, &path, release(json!(["S4"]))).await.expect(403);
    app.post_as(Role::Supervisor, &path, release(json!([]))).await.expect(422);
    let reassign = json!({"count": 1, "assigned_to": "printing order PR-2"});
    app.post_as(Role::Supervisor, &format!("/products/{product_id}/pool/assign"), reassign).await.expect(200);
    let history = app.get_as(Role::Auditor, &format!("/products/{product_id}/pool/serials/S1")).await;
    let actions: Vec<String> = history.expect(200)["history"]
        .as_array()
        .map(|actions| actions.iter().map(|a| format!("{} {}", a["action"], a["detail"])).collect())
        .unwrap_or_default();
    assert_eq!(
        actions,
        [
            r#""imported" "4 serials from a list""#,
            r#""assigned" "to packaging order PO-7""#,
            r#""released" "2 serials released""#,
            r#""assigned" "to printing order PR-2""#
        ],
        "every pool action on the serial, in order"
    );
}

#[tokio::test]
async fn a_randomised_space_under_ten_thousand_times_the_serials_issued_is_refused() {
    let app = spawn_app().await;
    let scheme = json!({"kind": "randomised", "alphabet": "0123456789", "length": 6});
    let body = json!({"code_schema": "internal", "code": "SMALL-1", "name": "Small", "serial_scheme": scheme});
    let product_id = app.products_create(Role::Admin, body).await.expect(201)["id"].as_str().unwrap().to_owned();
    let refused = app.pool_generate(Role::Admin, &product_id, 101).await;
    assert_eq!((refused.expect(422), refused.code()).1, "serial_space_too_small");
    app.pool_generate(Role::Admin, &product_id, 100).await.expect(201);
    let more = app.pool_generate(Role::Admin, &product_id, 1).await;
    assert_eq!((more.expect(422), more.code()).1, "serial_space_too_small", "issued serials count too");
    // Saving a smaller scheme after 100 serials were issued is refused the same way; a large enough one is kept.
    let smaller = json!({"serial_scheme": {"kind": "randomised", "alphabet": "0123456789", "length": 5}});
    let refused = app.products_update(Role::Admin, &product_id, smaller).await;
    assert_eq!((refused.expect(422), refused.code()).1, "serial_space_too_small");
    let larger = json!({"serial_scheme": {"kind": "randomised", "alphabet": "0123456789", "length": 8}});
    app.products_update(Role::Admin, &product_id, larger).await.expect(200);
}

/// An uploaded file: one serial per line, an optional `serial` header. Every bad line is named with its line
/// number, nothing is imported; the fixed file imports whole; the same file again names every serial in the pool.
#[tokio::test]
async fn a_file_import_lists_every_bad_line_and_takes_nothing_until_it_is_clean() {
    let app = crate::helpers::spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    let upload = |body: &'static str| {
        let request = app.client.post(format!("{}/api/v1/products/{product_id}/pool/import", app.address));
        request.bearer_auth(app.key(Role::Admin)).header("content-type", "text/csv").body(body).send()
    };
    let bad = upload("serial\nGOOD1\nbad serial\nGOOD2\r\nGOOD1\nA,B\n\n").await.unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["code"], "invalid_serials");
    let errors = body["errors"].as_array().unwrap();
    let lines: Vec<u64> = errors.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 5, 6], "a bad serial, a repeat and two columns, in one answer: {body}");
    assert_eq!((errors[2]["value"].as_str(), body["error_count"].as_u64()), (Some("A,B"), Some(3)));
    let bad = upload("serial\nGOOD1\nbad serial\nGOOD2\r\nGOOD1\n").await.unwrap();
    let body: serde_json::Value = bad.json().await.unwrap();
    let lines: Vec<u64> = body["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 5], "every bad line, with its number: {body}");
    assert!(body["message"].as_str().unwrap().contains("nothing was imported"));
    assert_eq!(app.pool_counts(Role::Admin).await.expect(200)["products"][0]["available"], 0, "nothing half-imported");

    let good = upload("serial\nGOOD1\nGOOD2\r\nGOOD3\n").await.unwrap();
    assert_eq!(good.status().as_u16(), 201);
    assert_eq!(good.json::<serde_json::Value>().await.unwrap()["added"], 3);
    let again = upload("GOOD0\nGOOD2\nGOOD3\n").await.unwrap();
    assert_eq!(again.status().as_u16(), 409);
    let body: serde_json::Value = again.json().await.unwrap();
    let named: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["value"].as_str().unwrap()).collect();
    assert_eq!(named, ["GOOD2", "GOOD3"], "each serial already in the pool: {body}");
    assert_eq!(app.pool_counts(Role::Admin).await.expect(200)["products"][0]["available"], 3);
}

/// Extra per-serial parameters (crypto codes): imported beside the serials, read back only by an API key made
/// with `reads_extra`; another key, a person's session, and every other answer never carry them.
#[tokio::test]
async fn extra_parameters_are_kept_and_read_only_by_keys_that_may() {
    use reqwest::Method;
    let app = crate::helpers::spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    let entries = json!({"entries": [
        {"serial": "CRYPTO1", "extra": {"crypto_key": "44", "crypto_code": "AbC+/="}},
        {"serial": "CRYPTO2", "extra": {"crypto_key": "44", "crypto_code": "XyZ=="}}
    ]});
    app.pool_import(Role::Admin, &product_id, entries).await.expect(201);
    let bad = json!({"entries": [{"serial": "CRYPTO3", "extra": "not an object"}]});
    let refused = app.pool_import(Role::Admin, &product_id, bad).await;
    assert_eq!((refused.status.as_u16(), refused.body["errors"][0]["value"].as_str()), (422, Some("CRYPTO3")));

    let path = format!("/products/{product_id}/pool/extra?serials=CRYPTO1,CRYPTO2,NOPE");
    let plain = app.get_as(Role::Admin, &path).await;
    assert_eq!(plain.status.as_u16(), 403, "a key without reads_extra: {:?}", plain.body);
    let body = json!({"name": "tracelink", "role": "supervisor", "reads_extra": true});
    let key = app.admin_does(reqwest::Method::POST, "/api_keys", Some(body)).await.expect(201)["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = app.call(Method::GET, &path, Some(&key), None).await;
    let serials = read.expect(200)["serials"].as_array().unwrap().clone();
    assert_eq!(serials.len(), 2, "serials not in the pool are left out");
    assert_eq!(serials[0]["extra"]["crypto_code"], "AbC+/=");
    let other_tenant = app.call(Method::GET, &path, Some(&app.other_keys[&Role::Admin].clone()), None).await;
    assert_eq!(other_tenant.status.as_u16(), 403);

    // Nothing else answers them: the pool counts, the partner view, an order's serials.
    let order =
        json!({"kind": "printing", "product_id": product_id, "lot": "L1", "expiry": "2029-01-31", "quantity": 2});
    let order = app.post_as(Role::Admin, "/orders", order).await.expect(201).clone();
    for path in ["/pool/counts".to_owned(), format!("/orders/{}/serials", order["id"].as_str().unwrap())] {
        let answer = app.call(Method::GET, &path, Some(&key), None).await;
        assert!(!answer.text.contains("AbC+/="), "{path} leaked an extra parameter: {}", answer.text);
    }
}

#[tokio::test]
async fn a_count_written_as_a_whole_float_is_a_count_and_a_fraction_is_refused() {
    // JSON Schema counts 512.0 as an integer: a generated client may send it.
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let generate = format!("/products/{product_id}/pool/generate");
    app.post_as(Role::Supervisor, &generate, json!({"count": 512.0})).await.expect(201);
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(counts.expect(200)["products"][0]["available"], 512);
    let refused = app.post_as(Role::Supervisor, &generate, json!({"count": 2.5})).await;
    assert_eq!(refused.expect(422)["code"], "invalid_body");
}
