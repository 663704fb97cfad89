//! The holes found by probing the API as an attacker would (issue 13), each as it was reported: every test here
//! failed before its fix.

use crate::helpers::{spawn_app, Answer, TestApp, PASSWORD};
use reqwest::Method;
use serde_json::json;
use serialtrack_server::auth::Role;

fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("a client with cookies")
}

/// A GTIN product with unit A1 registered (Available): (product id, unit id).
async fn a_unit(app: &TestApp) -> (String, String) {
    let product_id = app.a_product("09520123456788", "Pill").await;
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A1"]})).await.expect(201);
    let unit = app.units_lookup(Role::Auditor, "?gtin=09520123456788&serial=A1").await;
    (product_id, unit.expect(200)["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_command_refused_through_the_api_can_be_escalated_and_the_list_still_reads() {
    let app = spawn_app().await;
    let (_, unit_id) = a_unit(&app).await;
    let op_id = "7d1b5a3c-2f1e-4c5a-9b7e-3a2d1c0b9f8e";
    let deliver = json!({"op_id": op_id, "command": {"type": "deliver"}});
    app.units_commands(Role::Operator, &unit_id, deliver).await.expect(409);
    let escalated = app.post_as(Role::Operator, "/sync/escalations", json!({"op_id": op_id})).await;
    let escalated = escalated.expect(200);
    assert_eq!((escalated["serial"].as_str(), escalated["product"].as_str()), (Some("A1"), Some("09520123456788")));
    assert_eq!((escalated["command"]["type"].as_str(), escalated["device_id"].as_str()), (Some("deliver"), Some("")));
    assert_eq!(escalated["actor"], "key:acme-operator-key");
    for query in ["", "?state=all"] {
        let list = app.get_as(Role::Supervisor, &format!("/sync/escalations{query}")).await;
        assert_eq!(list.expect(200)["escalations"][0]["op_id"], op_id);
    }
}

#[tokio::test]
async fn a_flood_of_made_up_usernames_is_slowed_by_address_and_clears_no_lock() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.sessions_create(&cookie_client(), "acme-admin", "guess").await.expect(401);
    }
    let mut slowed = 0;
    for n in 0..40 {
        let answer = app.sessions_create(&cookie_client(), &format!("made-up-{n}"), "guess").await;
        slowed += usize::from(answer.status == 429);
    }
    assert!(slowed >= 15, "after 20 failures from one address the flood waits: {slowed} of 40 slowed");
    let locked = app.sessions_create(&cookie_client(), "acme-admin", PASSWORD).await;
    assert_eq!(locked.expect(429)["code"], "too_many_attempts", "the flood cleared nothing");
    assert!(locked.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn a_strangers_guesses_do_not_keep_the_owner_out_on_a_known_device() {
    let app = spawn_app().await;
    let tablet = cookie_client();
    app.sessions_create(&tablet, "acme-supervisor", PASSWORD).await.expect(201);
    for _ in 0..6 {
        app.sessions_create(&cookie_client(), "acme-supervisor", "guess").await;
    }
    app.sessions_create(&cookie_client(), "acme-supervisor", PASSWORD).await.expect(429);
    let owner = app.sessions_create(&tablet, "acme-supervisor", PASSWORD).await;
    assert_eq!(owner.expect(201)["name"], "acme-supervisor", "the browser the owner signed in on before passes");
}

#[tokio::test]
async fn the_first_failures_answer_at_once_and_later_ones_wait_longer_rather_than_hit_a_wall() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.sessions_create(&cookie_client(), "acme-quality", "guess").await.expect(401);
    }
    let first = app.sessions_create(&cookie_client(), "acme-quality", PASSWORD).await;
    assert_eq!(first.expect(429)["code"], "too_many_attempts");
    assert_eq!(first.headers["retry-after"], "1", "one second after the fifth failure, not fifteen minutes");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    app.sessions_create(&cookie_client(), "acme-quality", PASSWORD).await.expect(201);
}

#[tokio::test]
async fn wrong_approvals_from_another_tenant_lock_nobody_out() {
    let app = spawn_app().await;
    let (_, unit_id) = a_unit(&app).await;
    let other_operator = app.other_keys[&Role::Operator].clone();
    let path = format!("/units/{unit_id}/commands");
    for _ in 0..8 {
        let approval = json!({"command": {"type": "add_note", "text": "x"},
                              "approval": {"username": "acme-admin", "password": "guess"}});
        app.call(Method::POST, &path, Some(&other_operator), Some(approval)).await;
    }
    app.sessions_create(&cookie_client(), "acme-admin", PASSWORD).await.expect(201);
    let own = json!({"command": {"type": "add_note", "text": "x"},
                     "approval": {"username": "acme-admin", "password": "guess"}});
    for _ in 0..6 {
        app.units_commands(Role::Operator, &unit_id, own.clone()).await;
    }
    app.sessions_create(&cookie_client(), "acme-admin", PASSWORD).await.expect(201);
}

#[tokio::test]
async fn a_new_api_key_is_never_kept_nor_replayed() {
    let app = spawn_app().await;
    let client = cookie_client();
    app.sessions_create(&client, "acme-admin", PASSWORD).await.expect(201);
    let make = || {
        client
            .post(format!("{}/api/v1/api_keys", app.address))
            .header("idempotency-key", "make-erp-key")
            .json(&json!({"name": "erp", "role": "supervisor"}))
            .send()
    };
    let made = Answer::read(make().await.unwrap()).await;
    let key = made.expect(201)["key"].as_str().unwrap().to_owned();
    let key_id = made.body["api_key"]["id"].as_str().unwrap().to_owned();
    let replayed = Answer::read(make().await.unwrap()).await;
    assert_eq!(replayed.expect(409)["code"], "api_key_not_shown_again");
    assert!(!replayed.text.contains(&key), "the replay holds no secret: {}", replayed.text);
    assert!(replayed.body["message"].as_str().unwrap().contains(&key_id), "it names the key to revoke");
    assert_eq!(replayed.headers["idempotent-replayed"], "true");
}

#[tokio::test]
async fn a_key_never_raises_its_own_limits_nor_makes_a_wider_key() {
    let app = spawn_app().await;
    let body = json!({"name": "narrow", "role": "admin", "max_serials_per_request": 10});
    let made = app.admin_does(Method::POST, "/api_keys", Some(body)).await;
    let key = made.expect(201)["key"].as_str().unwrap().to_owned();
    let key_id = made.body["api_key"]["id"].as_str().unwrap().to_owned();
    let widen = json!({"max_serials_per_request": 10_000_000, "reads_extra": true});
    let itself = app.call(Method::PATCH, &format!("/api_keys/{key_id}"), Some(&key), Some(widen)).await;
    assert_eq!(itself.expect(403)["code"], "person_only");
    let wider = json!({"name": "wide", "role": "admin", "max_serials_per_request": 10_000_000, "reads_extra": true});
    let made_by_key = app.call(Method::POST, "/api_keys", Some(&key), Some(wider)).await;
    assert_eq!(made_by_key.expect(403)["code"], "person_only");
    let listed = app.admin_does(Method::GET, "/api_keys", None).await;
    let narrow =
        listed.expect(200)["api_keys"].as_array().unwrap().iter().find(|k| k["id"] == key_id.as_str()).cloned();
    assert_eq!(narrow.unwrap()["max_serials_per_request"], 10, "nothing widened");
}

#[tokio::test]
async fn a_refused_import_of_megabytes_of_bad_lines_answers_a_bounded_error() {
    let app = spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    let lines = 1_000_000;
    let file = "a#b\n".repeat(lines);
    let answer = app
        .client
        .post(format!("{}/api/v1/products/{product_id}/pool/import", app.address))
        .bearer_auth(app.key(Role::Admin))
        .header("content-type", "text/plain")
        .body(file)
        .send()
        .await
        .unwrap();
    let answer = Answer::read(answer).await;
    assert_eq!(answer.expect(422)["error_count"], lines);
    assert_eq!(answer.body["errors"].as_array().unwrap().len(), 1_000, "the first 1,000 listed");
    assert!(answer.text.len() < 200_000, "the answer is {} bytes", answer.text.len());
    assert!(answer.body["message"].as_str().unwrap().starts_with("1,000,000 of the serials (the first 1,000"));
}

#[tokio::test]
async fn a_write_from_another_sites_page_with_the_session_cookie_is_refused() {
    let app = spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    let client = cookie_client();
    app.sessions_create(&client, "acme-admin", PASSWORD).await.expect(201);
    let import = |origin: &'static str| {
        client
            .post(format!("{}/api/v1/products/{product_id}/pool/import", app.address))
            .header("content-type", "text/plain")
            .header("origin", origin)
            .body("S1\n")
            .send()
    };
    let forged = Answer::read(import("http://evil.example").await.unwrap()).await;
    assert_eq!(forged.expect(403)["code"], "cross_site_write");
    let own_origin = app.address.clone().leak();
    Answer::read(import(own_origin).await.unwrap()).await.expect(201);
}

#[tokio::test]
async fn every_answer_tells_the_browser_how_it_may_be_used_and_options_answer_their_methods() {
    let app = spawn_app().await;
    let health = app.client.get(format!("{}/api/v1/health", app.address)).send().await.unwrap();
    let headers = health.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(headers.contains_key("referrer-policy"));
    let options = app.client.request(Method::OPTIONS, format!("{}/api/v1/products", app.address)).send().await.unwrap();
    assert_eq!(options.status().as_u16(), 204);
    let allow = options.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST") && allow.contains("OPTIONS"), "{allow}");
}

#[tokio::test]
async fn loose_input_is_refused_in_words() {
    let app = spawn_app().await;
    let nul = app.post_as(Role::Admin, "/locations", json!({"name": "Dock\u{0}1"})).await;
    assert_eq!(nul.expect(422)["code"], "invalid_text");
    let product = json!({"code_schema": "internal", "code": "NUL-1", "name": "Pill\u{0}"});
    assert_eq!(app.products_create(Role::Admin, product).await.expect(422)["code"], "invalid_text");
    let array = app.admin_does(Method::POST, "/api_keys", Some(json!(["k", "admin", null, true]))).await;
    assert_eq!(array.expect(422)["code"], "invalid_body");
    let escaped = app.post_as(Role::Admin, "/locations", json!({"name": "Dock \\u0000 sign"})).await;
    assert_eq!(escaped.expect(201)["name"], "Dock \\u0000 sign", "a backslash and the letters u0000 are text");
}

#[tokio::test]
async fn a_serial_a_spreadsheet_would_run_is_written_to_the_label_csv_as_text() {
    let app = spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    let formula = "=HYPERLINK(\"x\")";
    app.pool_import(Role::Admin, &product_id, json!({"serials": [formula]})).await.expect(201);
    let order =
        json!({"kind": "printing", "product_id": product_id, "lot": "L1", "expiry": "2030-01-31", "quantity": 1});
    let order_id = app.post_as(Role::Admin, "/orders", order).await.expect(201)["id"].as_str().unwrap().to_owned();
    let csv = app.get_as(Role::Admin, &format!("/orders/{order_id}/labels.csv")).await;
    assert!(csv.text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{}", csv.text);
    assert!(!csv.text.contains(",=HYPERLINK"), "{}", csv.text);
}

#[tokio::test]
async fn one_caller_holds_a_bounded_number_of_change_streams() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/sync/poke", app.address);
    let mut open = Vec::new();
    for _ in 0..16 {
        let stream = app.client.get(&url).bearer_auth(app.key(Role::Operator)).send().await.unwrap();
        assert_eq!(stream.status().as_u16(), 200);
        open.push(stream);
    }
    let one_more = Answer::read(app.client.get(&url).bearer_auth(app.key(Role::Operator)).send().await.unwrap()).await;
    assert_eq!(one_more.expect(429)["code"], "too_many_streams");
    let another_caller = app.client.get(&url).bearer_auth(app.key(Role::Auditor)).send().await.unwrap();
    assert_eq!(another_caller.status().as_u16(), 200);
    drop(open);
}
