//! Retention over HTTP with the server's clock moved across the years (docs/RETENTION.md): a dry run, a hold,
//! an archive a device syncs across, a purge the audit check still verifies, and who may do what.

use crate::helpers::{spawn_app, Answer, TestApp};
use crate::pending_op::pending_op;
use reqwest::Method;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use serialtrack_server::domain::outbox;
use time::macros::date;
use time::Date;

const GTIN: &str = "09520123456788";

async fn to_day(app: &TestApp, day: Date) {
    let target = day.midnight().assume_utc() + time::Duration::hours(12);
    app.clock.advance(target - app.clock.now());
}

/// Queues a run as an admin and lets the outbox work it off, as `serve` does in the background.
async fn run_retention(app: &TestApp) -> Value {
    app.admin_does(Method::POST, "/retention/runs", None).await.expect(202);
    outbox::work_until_idle(&app.store, &app.clock, "test-worker").await.expect("running the outbox");
    let runs = app.get_as(Role::Admin, "/retention/runs").await;
    let run = runs.expect(200)["runs"][0].clone();
    assert_eq!(run["state"], "done", "{run}");
    run
}

async fn unit(app: &TestApp, serial: &str) -> Value {
    app.units_lookup(Role::Auditor, &format!("?gtin={GTIN}&serial={serial}")).await.expect(200).clone()
}

async fn history(app: &TestApp, unit: &Value) -> Vec<Value> {
    let id = unit["id"].as_str().unwrap();
    app.units_history(Role::Auditor, id, "").await.expect(200)["events"].as_array().unwrap().clone()
}

async fn verify(app: &TestApp) -> Value {
    let answer = app.get_as(Role::Auditor, "/audit/verify").await;
    answer.expect(200)["chains"][0].clone()
}

async fn push(app: &TestApp, device_seq: u64, serial: &str, command: Value) -> Answer {
    let ops = vec![pending_op("tab-1", device_seq, serial, command)];
    app.post_as(Role::Operator, "/sync/push", json!({"device_id": "tab-1", "ops": ops})).await
}

#[tokio::test]
async fn histories_are_archived_held_and_purged_across_the_years_and_a_device_follows() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    for (lot, serials) in [("L1", vec!["A1", "A2"]), ("L2", vec!["B1"])] {
        let body = json!({"product_id": product_id, "serials": serials, "lot": lot, "expiry": "2027-06-30",
            "location": "DC-1"});
        app.units_register(Role::Operator, body).await.expect(201);
    }
    push(&app, 1, "A1", json!({"type": "add_note", "text": "box dented"})).await.expect(200);
    let a1 = unit(&app, "A1").await;
    assert_eq!((a1["history"].as_str(), a1["state"]["location"].as_str()), (Some("hot"), Some("DC-1")));
    let a1_history = history(&app, &a1).await;
    assert_eq!(a1_history.len(), 2);

    // Given a hold on lot L2, when an auditor asks what a run in mid-2029 would do (two years after expiry,
    // the default policy's archive), then two units would be archived and one is held; nothing moved.
    let hold = app
        .post_as(
            Role::Quality,
            "/retention/holds",
            json!({
                "scope": "lot", "product_id": product_id, "lot": "L2", "reason": "litigation 2026-17",
            }),
        )
        .await;
    let hold = hold.expect(201).clone();
    assert_eq!(hold["scope"], json!({"scope": "lot", "product_id": product_id, "lot": "L2"}));
    let plan = app.get_as(Role::Auditor, "/retention/plan?on=2029-07-01").await;
    let totals = plan.expect(200)["totals"].clone();
    assert_eq!(totals, json!({"hot": 3, "archived": 0, "purged": 0, "to_archive": 2, "to_purge": 0, "held": 1}));
    let today = app.get_as(Role::Auditor, "/retention/plan").await;
    assert_eq!(today.expect(200)["totals"]["to_archive"], 0, "today nothing is due");

    // When the server's calendar reaches 2029-07-01 and retention runs, the two are archived.
    to_day(&app, date!(2029 - 07 - 01)).await;
    let run = run_retention(&app).await;
    assert_eq!((run["archived"].as_u64(), run["purged"].as_u64(), run["held"].as_u64()), (Some(2), Some(0), Some(1)));
    let a1 = unit(&app, "A1").await;
    assert_eq!(a1["history"], "archived");
    assert_eq!(history(&app, &a1).await, a1_history, "an archived history is read from the archive as it was");
    assert_eq!(unit(&app, "B1").await["history"], "hot", "the held lot stays");

    // A device whose cursor is below the retention floor starts again from a snapshot without them, and its
    // op on an archived unit is refused, to be dealt with, not lost.
    let pulled = app.get_as(Role::Operator, "/sync/pull?cursor=0").await;
    assert_eq!(pulled.expect(200)["why"]["reason"], "cursor_below_retention", "{}", pulled.text);
    let snapshot = app.get_as(Role::Operator, "/snapshot").await;
    let serials: Vec<&str> = snapshot.expect(200)["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"]["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials, ["B1"]);
    let refused = push(&app, 2, "A1", json!({"type": "add_note", "text": "found it"})).await;
    let outcome = refused.expect(200)["results"][0]["outcome"].clone();
    assert_eq!(
        (outcome["kind"].as_str(), outcome["code"].as_str()),
        (Some("refused"), Some("history_retired")),
        "{outcome}"
    );
    let command = app
        .units_commands(
            Role::Supervisor,
            a1["id"].as_str().unwrap(),
            json!({"op_id": "7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f", "command": {"type": "add_note", "text": "x"}}),
        )
        .await;
    assert_eq!((command.status.as_u16(), command.code()), (409, "history_retired"));
    let chain = verify(&app).await;
    assert_eq!((chain["problem"].is_null(), chain["archived"].as_u64() > Some(0)), (true, true), "{chain}");

    // When the hold is lifted and the calendar passes seven years after expiry, every history is purged; the
    // serials stay taken and the chain still verifies, its gap named by the purge.
    let lift = format!("/retention/holds/{}/lift", hold["id"].as_str().unwrap());
    app.post_as(Role::Quality, &lift, json!({"reason": "case closed"})).await.expect(200);
    let again = app.post_as(Role::Quality, &lift, json!({"reason": "case closed"})).await;
    assert_eq!((again.status.as_u16(), again.code()), (409, "hold_lifted"));
    to_day(&app, date!(2035 - 01 - 01)).await;
    let run = run_retention(&app).await;
    assert_eq!((run["archived"].as_u64(), run["purged"].as_u64()), (Some(0), Some(3)), "{run}");
    let a1 = unit(&app, "A1").await;
    assert_eq!(a1["history"], "purged");
    assert!(a1["state"]["location"].is_null(), "where it was goes with its history: {a1}");
    assert_eq!((a1["serial"].as_str(), a1["state"]["lot"].as_str()), (Some("A1"), Some("L1")), "that it existed stays");
    assert_eq!(history(&app, &a1).await, Vec::<Value>::new());
    let id = a1["id"].as_str().unwrap();
    let left = app.get_as(Role::Auditor, &format!("/audit?object_kind=unit&object_id={id}")).await;
    assert_eq!(
        left.expect(200)["entries"],
        json!([]),
        "nothing of A1's history is left, not even the refusal after its archive"
    );
    let chain = verify(&app).await;
    assert!(chain["problem"].is_null(), "{chain}");
    assert!(chain["purged"].as_u64() >= Some(3), "the note, the two refusals: {chain}");
    let again = app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A1"]})).await;
    assert_eq!(again.status.as_u16(), 409, "a purged serial is never issued again: {}", again.text);
    let run = run_retention(&app).await;
    assert_eq!((run["archived"].as_u64(), run["purged"].as_u64()), (Some(0), Some(0)), "nothing moves twice");
    let kinds: Vec<String> = app.get_as(Role::Auditor, "/audit?limit=1000").await.expect(200)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["kind"].as_str().map(str::to_owned))
        .filter(|kind| kind.starts_with("retention.") || kind.starts_with("hold."))
        .collect();
    assert_eq!(
        kinds,
        [
            "hold.placed",
            "retention.queued",
            "retention.archived",
            "hold.lifted",
            "retention.queued",
            "retention.purged",
            "retention.queued"
        ]
    );
}

#[tokio::test]
async fn the_policy_is_the_admins_and_holds_are_quality_and_admins_and_every_bad_input_says_what_to_do() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    let policy = app.get_as(Role::Auditor, "/retention/policy").await;
    assert_eq!(
        policy.expect(200).clone(),
        json!({"policy": {"keep_years": 7, "archive_after_years": 2, "counted_from": "expiry"}, "is_default": true})
    );
    let longer = json!({"keep_years": 10, "archive_after_years": 3, "counted_from": "last_event"});
    let refused =
        app.call(Method::PUT, "/retention/policy", Some(app.key(Role::Supervisor)), Some(longer.clone())).await;
    assert_eq!(refused.status.as_u16(), 403);
    let set = app.call(Method::PUT, "/retention/policy", Some(app.key(Role::Admin)), Some(longer.clone())).await;
    assert_eq!(set.expect(200).clone(), json!({"policy": longer, "is_default": false}));
    let backwards = json!({"keep_years": 2, "archive_after_years": 5, "counted_from": "expiry"});
    let bad = app.call(Method::PUT, "/retention/policy", Some(app.key(Role::Admin)), Some(backwards)).await;
    assert_eq!((bad.status.as_u16(), bad.code()), (422, "invalid_retention"));
    let typo = json!({"keep_years": 2, "archive_after": 1, "counted_from": "expiry"});
    let bad = app.call(Method::PUT, "/retention/policy", Some(app.key(Role::Admin)), Some(typo)).await;
    assert_eq!(bad.status.as_u16(), 422, "{}", bad.text);

    let hold = json!({"scope": "product", "product_id": product_id, "reason": "recall inquiry"});
    let operator = app.post_as(Role::Operator, "/retention/holds", hold.clone()).await;
    assert_eq!(operator.status.as_u16(), 403);
    let no_reason = app
        .post_as(Role::Admin, "/retention/holds", json!({"scope": "product", "product_id": product_id, "reason": "  "}))
        .await;
    assert_eq!((no_reason.status.as_u16(), no_reason.code()), (422, "invalid_reason"));
    let no_unit = app
        .post_as(
            Role::Admin,
            "/retention/holds",
            json!({
                "scope": "unit", "product_id": product_id, "serial": "NOPE", "reason": "inquiry",
            }),
        )
        .await;
    assert_eq!(no_unit.status.as_u16(), 404, "{}", no_unit.text);
    assert!(no_unit.body["message"].as_str().unwrap().contains("NOPE"));
    let placed = app.post_as(Role::Admin, "/retention/holds", hold).await.expect(201).clone();
    let listed = app.get_as(Role::Auditor, "/retention/holds").await;
    assert_eq!(listed.expect(200)["holds"][0]["id"], placed["id"]);

    // Another organisation sees none of it and can lift nothing of it.
    let lift = format!("/retention/holds/{}/lift", placed["id"].as_str().unwrap());
    let other = app.call(Method::POST, &lift, Some(&app.other_keys[&Role::Admin]), Some(json!({"reason": "x"}))).await;
    assert_eq!(other.status.as_u16(), 404);
    let theirs = app.call(Method::GET, "/retention/holds", Some(&app.other_keys[&Role::Admin]), None).await;
    assert_eq!(theirs.expect(200)["holds"], json!([]));
    let foreign = app
        .call(
            Method::POST,
            "/retention/holds",
            Some(&app.other_keys[&Role::Admin]),
            Some(json!({"scope": "product", "product_id": product_id, "reason": "x"})),
        )
        .await;
    assert_eq!(foreign.status.as_u16(), 404, "a product of another organisation is not found");

    let auditor_run = app.call(Method::POST, "/retention/runs", Some(app.key(Role::Auditor)), None).await;
    assert_eq!(auditor_run.status.as_u16(), 403);
    let first = app.call(Method::POST, "/retention/runs", Some(app.key(Role::Admin)), None).await;
    assert_eq!(first.expect(202)["state"], "queued");
    let second = app.call(Method::POST, "/retention/runs", Some(app.key(Role::Admin)), None).await;
    assert_eq!(second.expect(200)["id"], first.body["id"], "a queued run is answered, not queued twice");
    let bad_day = app.get_as(Role::Auditor, "/retention/plan?on=next-year").await;
    assert_eq!((bad_day.status.as_u16(), bad_day.code()), (400, "invalid_date"));
}
