//! Data protection (docs/DATA_PROTECTION.md): every export of serials counts against its caller's ceiling of the
//! UTC day — an API key's own, else its role's — in the transaction of its audit entry; an order's labels are
//! downloaded a set number of times; admins set both in person; the audit trail's alerts name who exported much
//! or failed to sign in often.

use crate::helpers::{spawn_app, Answer, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use serialtrack_server::store::AuditFilter;

/// A printing order of `quantity` generated serials: its id.
async fn a_printing_order(app: &TestApp, gtin: &str, quantity: u32) -> String {
    let product_id = app.a_product(gtin, "Pill").await;
    let order = json!({"kind": "printing", "product_id": product_id, "lot": "L1", "expiry": "2030-01-01",
                       "quantity": quantity});
    let created = app.post_as(Role::Admin, "/orders", order).await;
    created.expect(201)["id"].as_str().expect("an order id").to_owned()
}

/// A key of tenant A made by its admin in person, with its own ceiling or none: the key and its id.
async fn a_key(app: &TestApp, name: &str, role: &str, ceiling: Option<i64>) -> (String, String) {
    let body = json!({"name": name, "role": role, "max_exported_serials_per_day": ceiling});
    let created = app.admin_does(Method::POST, "/api_keys", Some(body)).await;
    let created = created.expect(201);
    (created["key"].as_str().unwrap().to_owned(), created["api_key"]["id"].as_str().unwrap().to_owned())
}

async fn get_with(app: &TestApp, key: &str, path: &str) -> Answer {
    app.call(Method::GET, path, Some(key), None).await
}

/// Tenant A's entries of one kind, oldest first.
async fn entries_of(app: &TestApp, kind: &str) -> Vec<(String, Value)> {
    let filter = AuditFilter { action: Some(kind.into()), limit: 1_000, ..Default::default() };
    let entries = app.store.audit_entries(&app.tenant_id, &filter).await.expect("reading the audit trail");
    entries
        .into_iter()
        .map(|entry| {
            let new_value = entry.new_value.as_deref().map_or(Value::Null, |text| serde_json::from_str(text).unwrap());
            (entry.actor.unwrap_or_default(), new_value)
        })
        .collect()
}

/// A 429 `export_ceiling_reached` that sent no serial and says when the day ends.
fn assert_ceiling_reached(answer: &Answer) {
    answer.expect(429);
    assert_eq!(answer.code(), "export_ceiling_reached");
    let retry_after: u64 = answer.headers["retry-after"].to_str().unwrap().parse().expect("Retry-After in seconds");
    assert!((1..=86_400).contains(&retry_after), "Retry-After {retry_after} is not within the day");
    assert!(answer.headers["content-type"].to_str().unwrap().starts_with("application/json"));
}

#[tokio::test]
async fn a_key_exports_under_its_ceiling_and_is_refused_over_it_with_nothing_sent() {
    let app = spawn_app().await;
    let order = a_printing_order(&app, "9520123456788", 4).await;
    let (key, key_id) = a_key(&app, "erp", "operator", Some(10)).await;
    let labels = format!("/orders/{order}/labels.csv");
    for _ in 0..2 {
        let csv = get_with(&app, &key, &labels).await;
        assert_eq!(csv.status.as_u16(), 200, "{}", csv.text);
        assert_eq!(csv.text.lines().count(), 5);
    }

    let refused = get_with(&app, &key, &labels).await;
    assert_ceiling_reached(&refused);
    assert!(!refused.text.contains("9520123456788"), "a refused export sends no serial: {}", refused.text);
    assert_eq!(
        refused.body["message"],
        "this API key has exported 8 serials today and this key's own ceiling is 10 a day; this export would add 4: \
         ask an admin to raise this API key's ceiling, or wait until 00:00 UTC"
    );
    let refusals = entries_of(&app, "export.refused").await;
    assert_eq!(refusals.len(), 1);
    let (actor, refusal) = &refusals[0];
    assert_eq!(actor, "key:erp");
    assert_eq!(
        (&refusal["export"], &refusal["code"], &refusal["serials"], &refusal["ceiling"], &refusal["exported_today"]),
        (&json!("labels.downloaded"), &json!("export_ceiling_reached"), &json!(4), &json!(10), &json!(8))
    );
    assert_eq!(entries_of(&app, "labels.downloaded").await.len(), 2, "the refused download is no download");

    // Back to its role's ceiling, the key downloads again: the refusal used up none of the order's downloads.
    let to_role = Some(json!({"max_exported_serials_per_day": null}));
    let back = app.admin_does(Method::PATCH, &format!("/api_keys/{key_id}"), to_role).await;
    assert_eq!(back.expect(200)["max_exported_serials_per_day"], Value::Null);
    assert_eq!(get_with(&app, &key, &labels).await.status.as_u16(), 200);
    let used_up = get_with(&app, &key, &labels).await;
    assert_eq!((used_up.expect(409), used_up.code()).1, "label_downloads_used_up");
}

#[tokio::test]
async fn a_role_ceiling_set_by_an_admin_bounds_that_role_and_no_other() {
    let app = spawn_app().await;
    let order = a_printing_order(&app, "9520123456788", 4).await;
    let serials = format!("/orders/{order}/serials");
    let lowered = json!({"roles": [{"role": "operator", "serials_per_day": 3}]});
    let settings = app.admin_does(Method::PATCH, "/export_ceilings", Some(lowered)).await;
    assert_eq!(settings.expect(200)["roles"][0], json!({"role": "operator", "serials_per_day": 3}));
    assert_eq!(settings.body["roles"][1], json!({"role": "supervisor", "serials_per_day": 1_000_000}));

    let operator = app.person_does("acme-operator", Method::GET, &serials, None).await;
    assert_ceiling_reached(&operator);
    assert_eq!(
        operator.body["message"],
        "you have exported 0 serials today and the ceiling of the operator role is 3 a day; this export would add 4: \
         ask an admin to raise the ceiling for the operator role, or wait until 00:00 UTC"
    );
    assert_ceiling_reached(&app.get_as(Role::Operator, &serials).await);
    let supervisor = app.person_does("acme-supervisor", Method::GET, &serials, None).await;
    assert_eq!(supervisor.expect(200)["serials"].as_array().unwrap().len(), 4);
    // A key's own ceiling comes before its role's.
    let (wide, _) = a_key(&app, "wide", "operator", Some(100)).await;
    assert_eq!(get_with(&app, &wide, &serials).await.status.as_u16(), 200);
}

#[tokio::test]
async fn the_ceiling_is_per_utc_day() {
    let app = spawn_app().await;
    let order = a_printing_order(&app, "9520123456788", 4).await;
    let (key, _) = a_key(&app, "erp", "operator", Some(4)).await;
    let serials = format!("/orders/{order}/serials");
    assert_eq!(get_with(&app, &key, &serials).await.status.as_u16(), 200);
    assert_ceiling_reached(&get_with(&app, &key, &serials).await);
    // The same tally, yesterday's: today starts again from nothing.
    app.sql("UPDATE export_tallies SET day = day - 1").await;
    assert_eq!(get_with(&app, &key, &serials).await.status.as_u16(), 200);
    assert_ceiling_reached(&get_with(&app, &key, &serials).await);
}

#[tokio::test]
async fn exports_at_once_never_pass_the_ceiling_together() {
    let app = spawn_app().await;
    let order = a_printing_order(&app, "9520123456788", 3).await;
    let (key, _) = a_key(&app, "erp", "operator", Some(10)).await;
    let serials = format!("/orders/{order}/serials");
    let calls = (0..8).map(|_| get_with(&app, &key, &serials));
    let answers = futures_util::future::join_all(calls).await;
    let passed = answers.iter().filter(|answer| answer.status.as_u16() == 200).count();
    for answer in answers.iter().filter(|answer| answer.status.as_u16() != 200) {
        assert_ceiling_reached(answer);
    }
    assert_eq!(passed, 3, "3 exports of 3 serials fit under 10, a fourth would not");
    assert_eq!(entries_of(&app, "order.serials_read").await.len(), 3);
    assert_eq!(entries_of(&app, "export.refused").await.len(), 5);
}

#[tokio::test]
async fn an_orders_labels_are_downloaded_as_often_as_the_organisation_allows() {
    let app = spawn_app().await;
    let order = a_printing_order(&app, "9520123456788", 2).await;
    let labels = format!("/orders/{order}/labels.csv");
    for _ in 0..3 {
        assert_eq!(app.get_as(Role::Supervisor, &labels).await.status.as_u16(), 200);
    }
    let used_up = app.get_as(Role::Admin, &labels).await;
    assert_eq!((used_up.expect(409), used_up.code()).1, "label_downloads_used_up");
    assert_eq!(
        used_up.body["message"],
        "this order's labels were downloaded 3 times (your organisation allows 3 times per order): print from a file \
         downloaded before, or ask an admin to allow more downloads per order"
    );
    let refusals = entries_of(&app, "export.refused").await;
    assert_eq!((&refusals[0].1["code"], &refusals[0].1["downloads"]), (&json!("label_downloads_used_up"), &json!(3)));

    let more = app.admin_does(Method::PATCH, "/export_ceilings", Some(json!({"label_downloads_per_order": 4}))).await;
    assert_eq!(more.expect(200)["label_downloads_per_order"], 4);
    assert_eq!(app.get_as(Role::Admin, &labels).await.status.as_u16(), 200);
    let again = app.get_as(Role::Admin, &labels).await;
    assert!(again.expect(409)["message"].as_str().unwrap().contains("downloaded 4 times"), "{}", again.text);
}

#[tokio::test]
async fn the_settings_start_at_the_defaults_and_a_bad_change_is_refused_in_words() {
    let app = spawn_app().await;
    let roles = ["operator", "supervisor", "quality", "service", "auditor", "admin"]
        .map(|role| json!({"role": role, "serials_per_day": 1_000_000}));
    let defaults = json!({
        "roles": roles,
        "label_downloads_per_order": 3, "alert_exported_serials_per_hour": 100_000, "alert_failed_sign_ins_per_hour": 10,
    });
    assert_eq!(app.get_as(Role::Auditor, "/export_ceilings").await.expect(200), &defaults);

    let bad = [
        (json!({"roles": [{"role": "root", "serials_per_day": 5}]}), "unknown_role", "'root' is not a role"),
        (json!({"roles": [{"role": "operator", "serials_per_day": 0}]}), "invalid_ceiling", "1 to 1,000,000,000"),
        (json!({"roles": [{"role": "admin", "serials_per_day": 1_000_000_001}]}), "invalid_ceiling", "the admin role"),
        (
            json!({"roles": [{"role": "operator", "serials_per_day": 5}, {"role": "operator", "serials_per_day": 6}]}),
            "invalid_roles",
            "named twice",
        ),
        (json!({"label_downloads_per_order": 0}), "invalid_label_downloads", "1 to 1,000"),
        (json!({"label_downloads_per_order": 1_001}), "invalid_label_downloads", "1 to 1,000"),
        (json!({"alert_exported_serials_per_hour": 0}), "invalid_alert_threshold", "alert_exported_serials_per_hour"),
        (json!({"alert_failed_sign_ins_per_hour": -1}), "invalid_alert_threshold", "alert_failed_sign_ins_per_hour"),
        (json!({"ceilings": {}}), "invalid_body", ""),
    ];
    for (body, code, words) in bad {
        let refused = app.admin_does(Method::PATCH, "/export_ceilings", Some(body.clone())).await;
        assert_eq!((refused.expect(422), refused.code()).1, code, "{body}");
        assert!(refused.body["message"].as_str().unwrap().contains(words), "{body}: {}", refused.text);
    }
    assert_eq!(app.get_as(Role::Admin, "/export_ceilings").await.expect(200), &defaults);
    assert!(entries_of(&app, "export_ceilings.changed").await.is_empty());

    let change = json!({"roles": [{"role": "service", "serials_per_day": 7}], "alert_failed_sign_ins_per_hour": 4});
    let changed = app.admin_does(Method::PATCH, "/export_ceilings", Some(change)).await;
    assert_eq!(
        (
            changed.expect(200)["roles"][3]["serials_per_day"].as_i64(),
            changed.body["alert_failed_sign_ins_per_hour"].as_i64()
        ),
        (Some(7), Some(4))
    );
    let recorded = entries_of(&app, "export_ceilings.changed").await;
    assert_eq!(
        recorded,
        vec![("user:acme-admin".to_owned(), json!({"roles": {"service": 7}, "alert_failed_sign_ins_per_hour": 4}))]
    );
    app.admin_does(Method::PATCH, "/export_ceilings", Some(json!({"label_downloads_per_order": 3}))).await.expect(200);
    assert_eq!(entries_of(&app, "export_ceilings.changed").await.len(), 1, "a change to what it was records nothing");

    let bad_key = json!({"name": "greedy", "role": "operator", "max_exported_serials_per_day": 0});
    let refused = app.admin_does(Method::POST, "/api_keys", Some(bad_key)).await;
    assert_eq!((refused.expect(422), refused.code()).1, "invalid_ceiling");
}

#[tokio::test]
async fn only_an_admin_in_person_changes_the_settings_and_only_the_trails_readers_read_them() {
    let app = spawn_app().await;
    let change = json!({"label_downloads_per_order": 9});
    let supervisor = app.person_does("acme-supervisor", Method::PATCH, "/export_ceilings", Some(change.clone())).await;
    assert_eq!((supervisor.expect(403), supervisor.code()).1, "forbidden");
    let key = app.call(Method::PATCH, "/export_ceilings", Some(app.key(Role::Admin)), Some(change)).await;
    assert_eq!((key.expect(403), key.code()).1, "person_only");
    for role in Role::ALL {
        let may = matches!(role, Role::Auditor | Role::Quality | Role::Admin);
        for path in ["/export_ceilings", "/audit/alerts"] {
            let answer = app.get_as(role, path).await;
            assert_eq!(answer.status.as_u16(), if may { 200 } else { 403 }, "{role} GET {path}: {}", answer.text);
        }
    }
    assert_eq!(app.get_as(Role::Admin, "/export_ceilings").await.expect(200)["label_downloads_per_order"], 3);
}

#[tokio::test]
async fn a_keys_own_ceiling_is_set_shown_changed_and_audited_like_its_other_limits() {
    let app = spawn_app().await;
    let (_, key_id) = a_key(&app, "erp", "operator", Some(50)).await;
    let (_, plain_id) = a_key(&app, "plain", "operator", None).await;
    let listed = app.get_as(Role::Admin, "/api_keys").await;
    let ceiling_of = |id: &str| {
        let keys = listed.body["api_keys"].as_array().unwrap();
        keys.iter().find(|key| key["id"] == id).unwrap()["max_exported_serials_per_day"].clone()
    };
    assert_eq!((ceiling_of(&key_id), ceiling_of(&plain_id)), (json!(50), Value::Null));
    let path = format!("/api_keys/{key_id}");
    let raised = app.admin_does(Method::PATCH, &path, Some(json!({"max_exported_serials_per_day": 70}))).await;
    assert_eq!(raised.expect(200)["max_exported_serials_per_day"], 70);
    let other = app.admin_does(Method::PATCH, &path, Some(json!({"reads_extra": true}))).await;
    assert_eq!(other.expect(200)["max_exported_serials_per_day"], 70, "left out, it stays");
    let created = entries_of(&app, "api_key.created").await;
    assert!(created.iter().any(|(_, value)| value["name"] == "erp" && value["max_exported_serials_per_day"] == 50));
    let filter = AuditFilter { action: Some("api_key.changed".into()), limit: 10, ..Default::default() };
    let changed = app.store.audit_entries(&app.tenant_id, &filter).await.unwrap();
    let old: Value = serde_json::from_str(changed[0].old_value.as_deref().unwrap()).unwrap();
    let new: Value = serde_json::from_str(changed[0].new_value.as_deref().unwrap()).unwrap();
    assert_eq!((&old["max_exported_serials_per_day"], &new["max_exported_serials_per_day"]), (&json!(50), &json!(70)));
    let wrong =
        app.admin_does(Method::PATCH, &path, Some(json!({"max_exported_serials_per_day": 1_000_000_001}))).await;
    assert_eq!((wrong.expect(422), wrong.code()).1, "invalid_ceiling");
}

#[tokio::test]
async fn alerts_name_who_exported_much_and_who_failed_to_sign_in_often() {
    let app = spawn_app().await;
    assert_eq!(app.get_as(Role::Auditor, "/audit/alerts").await.expect(200), &json!({"alerts": []}));
    let low = json!({"alert_exported_serials_per_hour": 5, "alert_failed_sign_ins_per_hour": 3});
    app.admin_does(Method::PATCH, "/export_ceilings", Some(low)).await.expect(200);
    for username in ["acme-operator", "acme-operator", "acme-operator", "nobody-here", "nobody-here", "nobody-here"] {
        let client = reqwest::Client::new();
        app.sessions_create(&client, username, "wrong").await.expect(401);
    }
    let order = a_printing_order(&app, "9520123456788", 6).await;
    let labels = format!("/orders/{order}/labels.csv");
    assert_eq!(app.get_as(Role::Operator, &labels).await.status.as_u16(), 200);
    // A refused export counts too: someone tried.
    let (tiny, _) = a_key(&app, "tiny", "operator", Some(1)).await;
    assert_ceiling_reached(&get_with(&app, &tiny, &labels).await);
    // Under the threshold: no alert.
    app.get_as(Role::Supervisor, "/snapshot?limit=1").await.expect(200);

    let alerts = app.get_as(Role::Quality, "/audit/alerts").await;
    let alerts = alerts.expect(200)["alerts"].as_array().unwrap().clone();
    let summary: Vec<(String, String, i64, i64)> = alerts
        .iter()
        .map(|alert| {
            let text = |field: &str| alert[field].as_str().unwrap().to_owned();
            (text("kind"), text("actor"), alert["count"].as_i64().unwrap(), alert["threshold"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("exports".into(), "key:acme-operator-key".into(), 6, 5),
            ("exports".into(), "key:tiny".into(), 6, 5),
            ("failed_sign_ins".into(), "acme-operator".into(), 3, 3),
        ],
        "the username that exists nowhere is in the server's chain, not the organisation's"
    );
    assert_eq!(alerts[0]["words"], "key:acme-operator-key exported 6 serials in the last hour (alert at 5).");
    assert_eq!(alerts[2]["words"], "3 failed sign-ins as acme-operator in the last hour (alert at 3).");
    let since = time::OffsetDateTime::parse(
        alerts[0]["since"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("since is RFC 3339");
    let ago = time::OffsetDateTime::now_utc() - since;
    assert!(ago > time::Duration::minutes(59) && ago < time::Duration::minutes(61), "{ago}");
    let theirs = app.call(Method::GET, "/audit/alerts", Some(&app.other_keys[&Role::Auditor]), None).await;
    assert_eq!(theirs.expect(200), &json!({"alerts": []}), "another organisation sees none of ours");
}
