//! The audit trail over HTTP (docs/AUDIT.md): every write route leaves exactly its entries, in the same
//! transaction (a refused write leaves none); the auditor's list, export and check; roles and tenants.

use crate::helpers::{spawn_app, TestApp};
use crate::pending_op::pending_op;
use reqwest::Method;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use serialtrack_server::store::AuditFilter;

/// The kinds of tenant A's entries after `after`, in order, and the chain's new head.
async fn kinds_after(app: &TestApp, after: i64) -> (Vec<String>, i64) {
    let filter = AuditFilter { after, limit: 10_000, ..Default::default() };
    let entries = app.store.audit_entries(&app.tenant_id, &filter).await.expect("reading the audit trail");
    let head = entries.last().map_or(after, |entry| entry.seq);
    (entries.into_iter().map(|entry| entry.action.unwrap_or_default()).collect(), head)
}

/// Runs one step and checks the entries it appended to tenant A's chain, exactly.
struct Steps<'a> {
    app: &'a TestApp,
    head: i64,
}

impl Steps<'_> {
    async fn expect(&mut self, step: &str, kinds: &[&str]) {
        let (found, head) = kinds_after(self.app, self.head).await;
        assert_eq!(found, kinds, "{step}: the entries appended");
        self.head = head;
    }
}

#[tokio::test]
async fn every_write_route_leaves_exactly_its_entries_and_a_refused_write_none() {
    let app = spawn_app().await;
    let (_, head) = kinds_after(&app, 0).await;
    let mut steps = Steps { app: &app, head };

    let product = app
        .products_create(Role::Admin, json!({"code_schema": "gtin", "code": "09520123456788", "name": "Pill"}))
        .await;
    let product_id = product.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("a product", &["product.created"]).await;
    app.products_create(Role::Admin, json!({"code_schema": "gtin", "code": "09520123456788", "name": "Again"}))
        .await
        .expect(409);
    steps.expect("a duplicate product (refused)", &[]).await;
    app.products_update(Role::Admin, &product_id, json!({"name": "Pill 20 mg"})).await.expect(200);
    steps.expect("a product's name", &["product.changed"]).await;
    let dock = app.post_as(Role::Admin, "/locations", json!({"name": "Dock 1"})).await;
    let dock_id = dock.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("a location", &["location.created"]).await;
    let renamed = json!({"name": "Dock 2", "gln": "4012345000009"});
    app.call(Method::PATCH, &format!("/locations/{dock_id}"), Some(app.key(Role::Admin)), Some(renamed))
        .await
        .expect(200);
    steps.expect("a location renamed", &["location.changed"]).await;

    app.pool_generate(Role::Admin, &product_id, 6).await.expect(201);
    steps.expect("generate", &["product.counters_reserved", "tenant.serial_secret_made", "pool.generated"]).await;
    app.pool_import(Role::Admin, &product_id, json!({"serials": ["IMP1", "IMP2"]})).await.expect(201);
    steps.expect("import", &["pool.imported"]).await;
    app.pool_import(Role::Admin, &product_id, json!({"serials": ["IMP1"]})).await.expect(409);
    steps.expect("an import of a serial the pool has (refused)", &[]).await;
    let assign = json!({"count": 1, "assigned_to": "line 9"});
    let assigned = app.post_as(Role::Admin, &format!("/products/{product_id}/pool/assign"), assign).await;
    let assigned = assigned.expect(200)["serials"].clone();
    steps.expect("assign", &["pool.assigned"]).await;
    let release = json!({"serials": assigned});
    app.post_as(Role::Admin, &format!("/products/{product_id}/pool/release"), release).await.expect(200);
    steps.expect("release", &["pool.released"]).await;

    let order = json!({"kind": "packaging", "product_id": product_id, "lot": "L1", "expiry": "2030-01-01", "line": "L",
                       "quantity": 2});
    let order_id = app.post_as(Role::Admin, "/orders", order).await.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("an order", &["order.created", "pool.assigned"]).await;
    app.post_as(Role::Operator, &format!("/orders/{order_id}/reserve"), json!({"device_id": "tab-1", "count": 2}))
        .await
        .expect(200);
    steps.expect("reserve", &["pool.reserved"]).await;
    app.post_as(Role::Operator, &format!("/orders/{order_id}/return"), json!({"device_id": "tab-1"})).await.expect(200);
    steps.expect("return", &["pool.returned"]).await;
    app.get_as(Role::Operator, &format!("/orders/{order_id}/labels.csv")).await.expect(200);
    steps.expect("the labels CSV", &["labels.downloaded"]).await;
    app.get_as(Role::Operator, &format!("/orders/{order_id}/serials")).await.expect(200);
    steps.expect("the order's serials", &["order.serials_read"]).await;
    app.post_as(Role::Admin, &format!("/orders/{order_id}/close"), json!({})).await.expect(200);
    steps.expect("close", &["pool.released", "order.closed"]).await;

    let registered =
        app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A1", "A2"]})).await;
    registered.expect(201);
    steps.expect("registering two units", &["units.registered"]).await;
    let unit = app.units_lookup(Role::Operator, "?gtin=09520123456788&serial=A1").await;
    let unit_id = unit.expect(200)["id"].as_str().unwrap().to_owned();
    let quarantine = json!({"command": {"type": "quarantine", "reason": "dented box"}});
    app.units_commands(Role::Operator, &unit_id, quarantine).await.expect(200);
    steps.expect("a command", &["unit.command"]).await;
    app.units_commands(Role::Operator, &unit_id, json!({"command": {"type": "deliver"}})).await.expect(409);
    steps.expect("a refused command (kept)", &["unit.command_refused"]).await;

    let ops = [
        pending_op("tab-1", 1, "A2", json!({"type": "add_note", "text": "offline"})),
        pending_op("tab-1", 2, "A2", json!({"type": "deliver"})),
    ];
    let pushed = app.post_as(Role::Operator, "/sync/push", json!({"device_id": "tab-1", "ops": ops})).await;
    let refused_op = pushed.expect(200)["results"][1]["op_id"].as_str().unwrap().to_owned();
    steps.expect("a push of an accepted and a refused op", &["unit.command", "unit.command_refused"]).await;
    app.post_as(Role::Operator, "/sync/escalations", json!({"op_id": refused_op, "note": "look"})).await.expect(200);
    steps.expect("an escalation", &["escalation.raised"]).await;
    app.post_as(Role::Supervisor, &format!("/sync/escalations/{refused_op}/settle"), json!({"note": "redone"}))
        .await
        .expect(200);
    steps.expect("settling it", &["escalation.settled"]).await;
    app.get_as(Role::Operator, "/snapshot?limit=10").await.expect(200);
    steps.expect("a snapshot page", &["snapshot.page_read"]).await;
    app.events_list(Role::Operator, "?limit=1").await.expect(200);
    steps.expect("a page of the log's history", &["events.page_read"]).await;
    app.events_list(Role::Operator, "?after=0").await.expect(200);
    steps.expect("the log's pages up to its head (the live tail)", &[]).await;
    app.post_as(Role::Admin, "/devices", json!({"device_id": "tab-1", "name": "Line 1 tablet"})).await.expect(200);
    steps.expect("naming a device", &["device.named"]).await;

    // Keys, as a person: each sign-in is an entry of its own, then the write.
    let made = app.admin_does(Method::POST, "/api_keys", Some(json!({"name": "line-7", "role": "operator"}))).await;
    let key_id = made.expect(201)["api_key"]["id"].as_str().unwrap().to_owned();
    steps.expect("an API key", &["session.signed_in", "api_key.created"]).await;
    let widen = json!({"max_serials_per_request": 50});
    app.admin_does(Method::PATCH, &format!("/api_keys/{key_id}"), Some(widen)).await.expect(200);
    steps.expect("its limits", &["session.signed_in", "api_key.changed"]).await;
    app.call(Method::DELETE, &format!("/api_keys/{key_id}"), Some(app.key(Role::Admin)), None).await.expect(204);
    steps.expect("revoking it", &["api_key.revoked"]).await;
    app.call(Method::DELETE, &format!("/api_keys/{key_id}"), Some(app.key(Role::Admin)), None).await.expect(204);
    steps.expect("revoking it again (changes nothing)", &[]).await;
    let ceilings = json!({"roles": [{"role": "operator", "serials_per_day": 500_000}], "label_downloads_per_order": 5});
    app.admin_does(Method::PATCH, "/export_ceilings", Some(ceilings)).await.expect(200);
    steps.expect("the export ceilings", &["session.signed_in", "export_ceilings.changed"]).await;
    let out_of_range = json!({"roles": [{"role": "operator", "serials_per_day": 0}]});
    app.admin_does(Method::PATCH, "/export_ceilings", Some(out_of_range)).await.expect(422);
    steps.expect("a ceiling out of range (refused)", &["session.signed_in"]).await;

    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    app.sessions_create(&client, "acme-admin", "wrong").await.expect(401);
    steps.expect("a wrong password", &["session.sign_in_failed"]).await;
    app.sessions_create(&client, "acme-admin", crate::helpers::PASSWORD).await.expect(201);
    steps.expect("signing in", &["session.signed_in"]).await;
    client.delete(format!("{}/api/v1/sessions/current", app.address)).send().await.unwrap();
    steps.expect("signing out", &["session.signed_out"]).await;

    // People, as the admin in person (each sign-in an entry of its own); sessions ended with the admin's key.
    let grace =
        json!({"username": "grace", "display_name": "Grace", "role": "operator", "password": "correct horse battery"});
    let made = app.admin_does(Method::POST, "/users", Some(grace.clone())).await;
    let grace_id = made.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("a user", &["session.signed_in", "user.created"]).await;
    app.admin_does(Method::POST, "/users", Some(grace)).await.expect(409);
    steps.expect("a taken username (refused)", &["session.signed_in"]).await;
    let promote = json!({"role": "supervisor", "display_name": "Grace H."});
    app.admin_does(Method::PATCH, &format!("/users/{grace_id}"), Some(promote)).await.expect(200);
    steps.expect("her role and name", &["session.signed_in", "user.changed"]).await;
    let admin_id = app.get_as(Role::Admin, "/users").await.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["username"] == "acme-admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.admin_does(Method::PATCH, &format!("/users/{admin_id}"), Some(json!({"disabled": true}))).await.expect(409);
    steps.expect("disabling the last admin (refused)", &["session.signed_in"]).await;
    let password = json!({"password": "another long password"});
    app.admin_does(Method::POST, &format!("/users/{grace_id}/password"), Some(password)).await.expect(204);
    steps.expect("her new password", &["session.signed_in", "user.password_set"]).await;
    app.sessions_create(&client, "grace", "another long password").await.expect(201);
    steps.expect("she signs in", &["session.signed_in"]).await;
    let sessions = app.get_as(Role::Admin, &format!("/users/{grace_id}/sessions")).await;
    let session_id = sessions.expect(200)["sessions"][0]["id"].as_str().unwrap().to_owned();
    steps.expect("her sessions (a read)", &[]).await;
    let session = format!("/users/{grace_id}/sessions/{session_id}");
    app.call(Method::DELETE, &session, Some(app.key(Role::Admin)), None).await;
    steps.expect("ending her session", &["session.revoked"]).await;
    app.call(Method::DELETE, &session, Some(app.key(Role::Admin)), None).await.expect(404);
    steps.expect("ending it again (refused)", &[]).await;
    app.sessions_create(&client, "grace", "another long password").await.expect(201);
    steps.expect("she signs in again", &["session.signed_in"]).await;
    app.admin_does(Method::PATCH, &format!("/users/{grace_id}"), Some(json!({"disabled": true}))).await.expect(200);
    steps.expect("disabling her (her session ends with it)", &["session.signed_in", "user.changed"]).await;
    app.sessions_create(&client, "grace", "another long password").await.expect(403);
    steps.expect("a disabled user's sign-in", &["session.sign_in_failed"]).await;

    // Invitations: each entry in both organisations' chains; the invited side's sign-in is in its own.
    let (bottlers, bottlers_keys) = app.a_contract_manufacturer("Bottlers Ltd", "bottlers").await;
    steps.expect("a contract manufacturer (its own chain)", &[]).await;
    let invite = json!({"partner_tenant_id": bottlers});
    let sent = app.admin_does(Method::POST, "/partners/invitations", Some(invite.clone())).await;
    let first = sent.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("an invitation", &["session.signed_in", "partner.invited"]).await;
    app.admin_does(Method::POST, "/partners/invitations", Some(invite.clone())).await.expect(409);
    steps.expect("a second one while it waits (refused)", &["session.signed_in"]).await;
    let first_path = format!("/partners/invitations/{first}");
    app.call(Method::DELETE, &first_path, Some(app.key(Role::Admin)), None).await;
    steps.expect("withdrawing it", &["partner.invitation_withdrawn"]).await;
    app.call(Method::DELETE, &first_path, Some(app.key(Role::Admin)), None).await.expect(409);
    steps.expect("withdrawing it again (refused)", &[]).await;
    let sent = app.admin_does(Method::POST, "/partners/invitations", Some(invite.clone())).await;
    let second = sent.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("another invitation", &["session.signed_in", "partner.invited"]).await;
    app.call(Method::DELETE, &format!("/partners/invitations/{second}"), Some(&bottlers_keys[&Role::Admin]), None)
        .await;
    steps.expect("declined by the invited", &["partner.invitation_declined"]).await;
    let sent = app.admin_does(Method::POST, "/partners/invitations", Some(invite)).await;
    let third = sent.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("a third invitation", &["session.signed_in", "partner.invited"]).await;
    let accept = format!("/partners/invitations/{third}/accept");
    app.person_does("bottlers-admin", Method::POST, &accept, None).await.expect(200);
    steps.expect("accepted by the invited (its sign-in in its own chain)", &["partner.accepted"]).await;
    app.person_does("bottlers-admin", Method::POST, &accept, None).await.expect(409);
    steps.expect("accepted again (refused)", &[]).await;
    let filter = AuditFilter { limit: 100, ..Default::default() };
    let theirs = app.store.audit_entries(&bottlers, &filter).await.unwrap();
    let since_seeded: Vec<String> = theirs
        .iter()
        .map(|entry| entry.action.clone().unwrap())
        .skip_while(|kind| kind.ends_with(".created"))
        .collect();
    assert_eq!(
        since_seeded,
        [
            "partner.invited",
            "partner.invitation_withdrawn",
            "partner.invited",
            "partner.invitation_declined",
            "partner.invited",
            "session.signed_in",
            "partner.accepted",
            "session.signed_in",
        ],
        "the invited organisation's chain (the last, the sign-in of the refused second accept)"
    );
    let accepted = &theirs[theirs.len() - 2];
    assert_eq!(accepted.actor.as_deref(), Some("user:bottlers-admin"));
    assert_eq!(theirs[theirs.len() - 4].actor_tenant.as_deref(), Some(app.tenant_id.as_str()), "on whose behalf");

    let (partner_id, _) = app.a_partner().await;
    steps.expect("a partnership", &["partnership.created"]).await;
    let limit = json!({"max_serials_per_request": 10});
    app.admin_does(Method::PATCH, &format!("/partners/{partner_id}"), Some(limit)).await.expect(200);
    steps.expect("its limit", &["session.signed_in", "partnership.limit_changed"]).await;
    let to_partner = json!({"count": 2, "assigned_to": "CMO batch", "partner_tenant_id": partner_id});
    app.post_as(Role::Admin, &format!("/products/{product_id}/pool/assign"), to_partner).await.expect(200);
    steps.expect("an assignment to the partner", &["pool.assigned"]).await;
    let filter = AuditFilter { limit: 100, ..Default::default() };
    let theirs = app.store.audit_entries(&partner_id, &filter).await.unwrap();
    let tail: Vec<(String, String)> =
        theirs.iter().rev().take(3).map(|e| (e.action.clone().unwrap(), e.actor.clone().unwrap())).collect();
    let owner = format!("tenant:{}", app.tenant_id);
    assert_eq!(
        tail,
        [
            ("pool.received".to_owned(), owner.clone()),
            ("product.created".to_owned(), owner.clone()),
            ("partnership.limit_changed".to_owned(), "user:acme-admin".to_owned()),
        ],
        "the partner's chain names the owner's organisation, and the person who set its limit"
    );
    assert_eq!(theirs.last().unwrap().actor_tenant.as_deref(), Some(app.tenant_id.as_str()), "on whose behalf");

    let policy = json!({"keep_years": 10, "archive_after_years": 3, "counted_from": "expiry"});
    app.call(Method::PUT, "/retention/policy", Some(app.key(Role::Admin)), Some(policy.clone())).await.expect(200);
    steps.expect("the retention policy", &["retention.policy_changed"]).await;
    app.call(Method::PUT, "/retention/policy", Some(app.key(Role::Admin)), Some(policy)).await.expect(200);
    steps.expect("the same policy again (nothing changed)", &[]).await;
    let hold = json!({"scope": "lot", "product_id": product_id, "lot": "L1", "reason": "inquiry"});
    let hold =
        app.post_as(Role::Quality, "/retention/holds", hold).await.expect(201)["id"].as_str().unwrap().to_owned();
    steps.expect("a legal hold", &["hold.placed"]).await;
    let lift = format!("/retention/holds/{hold}/lift");
    app.post_as(Role::Quality, &lift, json!({"reason": "closed"})).await.expect(200);
    steps.expect("the hold lifted", &["hold.lifted"]).await;
    app.post_as(Role::Quality, &lift, json!({"reason": "closed"})).await.expect(409);
    steps.expect("lifted again (refused)", &[]).await;
    app.call(Method::POST, "/retention/runs", Some(app.key(Role::Admin)), None).await.expect(202);
    steps.expect("a retention run asked for", &["retention.queued"]).await;
    app.get_as(Role::Auditor, "/retention/plan").await.expect(200);
    steps.expect("the dry run (a read)", &[]).await;

    app.get_as(Role::Auditor, "/audit/export.csv").await.expect(200);
    steps.expect("the audit export", &["audit.exported"]).await;
    app.get_as(Role::Auditor, "/audit").await.expect(200);
    steps.expect("reading the list (not an export)", &[]).await;
}

#[tokio::test]
async fn an_entry_says_who_what_when_and_why() {
    let app = spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    app.products_update(Role::Admin, &product_id, json!({"name": "Pill 20 mg"})).await.expect(200);
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A1"]})).await.expect(201);
    let op = pending_op("tab-1", 1, "A1", json!({"type": "quarantine", "reason": "seal broken"}));
    app.post_as(Role::Operator, "/sync/push", json!({"device_id": "tab-1", "ops": [op]})).await.expect(200);

    let changed = app
        .get_as(Role::Auditor, &format!("/audit?object_kind=product&object_id={product_id}&kind=product.changed"))
        .await;
    let changed = changed.expect(200)["entries"][0].clone();
    assert_eq!(changed["actor"], "key:acme-admin-key");
    assert_eq!(changed["old_value"], json!({"name": "Pill"}), "only the fields that changed, as they were");
    assert_eq!(changed["new_value"], json!({"name": "Pill 20 mg"}));
    assert!(changed["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(changed["hash"].as_str().unwrap().len(), 64);

    let pushed = app.get_as(Role::Auditor, "/audit?kind=unit.command").await;
    let pushed = pushed.expect(200)["entries"][0].clone();
    assert_eq!(
        (pushed["actor"].as_str(), pushed["device_id"].as_str(), pushed["reason"].as_str()),
        (Some("key:acme-operator-key"), Some("tab-1"), Some("seal broken"))
    );
    assert_eq!(pushed["client_time"], "2026-11-23T08:00:00Z", "the device's clock at the user's action");
    assert_eq!(pushed["old_value"], json!({"status": "available"}), "the status before the command");
    assert_eq!(pushed["new_value"]["status"], "quarantine");

    let by_operator = app.get_as(Role::Auditor, "/audit?actor=key:acme-operator-key").await;
    let kinds: Vec<Value> =
        by_operator.expect(200)["entries"].as_array().unwrap().iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(kinds, [json!("units.registered"), json!("unit.command")]);
    let future = app.get_as(Role::Auditor, "/audit?from=2999-01-01T00:00:00Z").await;
    assert_eq!(future.expect(200)["entries"], json!([]));
    let past = app.get_as(Role::Auditor, "/audit?to=2000-01-01T00:00:00Z").await;
    assert_eq!(past.expect(200)["entries"], json!([]));
}

#[tokio::test]
async fn the_list_pages_by_seq_and_bad_filters_are_refused_in_words() {
    let app = spawn_app().await;
    for index in 0..5 {
        let product = json!({"code_schema": "internal", "code": format!("P-{index}"), "name": "P"});
        app.products_create(Role::Admin, product).await.expect(201);
    }
    let first = app.get_as(Role::Auditor, "/audit?kind=product.created&limit=3").await;
    let first = first.expect(200).clone();
    assert_eq!(first["entries"].as_array().unwrap().len(), 3);
    assert_eq!(first["has_more"], true);
    let next = first["next_after"].as_i64().unwrap();
    let rest = app.get_as(Role::Auditor, &format!("/audit?kind=product.created&after={next}&limit=3")).await;
    let rest = rest.expect(200).clone();
    assert_eq!(rest["entries"].as_array().unwrap().len(), 2);
    assert!(rest["entries"][0]["seq"].as_i64().unwrap() > next);

    let bad = app.get_as(Role::Auditor, "/audit?from=yesterday").await;
    assert_eq!((bad.status.as_u16(), bad.code()), (400, "invalid_query"));
    assert!(bad.body["message"].as_str().unwrap().contains("RFC 3339"));
    let unknown = app.get_as(Role::Auditor, "/audit?who=me").await;
    assert_eq!(unknown.status.as_u16(), 400);
}

#[tokio::test]
async fn only_auditors_quality_and_admins_read_the_trail_and_each_tenant_only_its_own() {
    let app = spawn_app().await;
    app.a_product("09520123456788", "Secret Pill").await;
    for role in Role::ALL {
        let may = matches!(role, Role::Auditor | Role::Quality | Role::Admin);
        for path in ["/audit", "/audit/export.csv", "/audit/verify"] {
            let answer = app.get_as(role, path).await;
            assert_eq!(answer.status.as_u16(), if may { 200 } else { 403 }, "{role} {path}: {}", answer.text);
            if !may {
                answer.expect(403);
            }
        }
    }
    let other = app.other_keys[&Role::Auditor].clone();
    let theirs = app.call(Method::GET, "/audit?limit=500", Some(&other), None).await;
    assert!(!theirs.text.contains("Secret Pill") && !theirs.text.contains(&app.tenant_id), "{}", theirs.text);
    let export = app.call(Method::GET, "/audit/export.csv", Some(&other), None).await;
    assert!(!export.text.contains("Secret Pill") && !export.text.contains(&app.tenant_id));
    let verify = app.call(Method::GET, "/audit/verify", Some(&other), None).await;
    let chains = verify.expect(200)["chains"].as_array().unwrap().clone();
    assert_eq!(chains.len(), 1);
    assert_ne!(chains[0]["tenant_id"], app.tenant_id.as_str());
}

#[tokio::test]
async fn the_export_is_csv_with_formulas_made_text_and_the_check_answers_in_json() {
    let app = spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A1"]})).await.expect(201);
    let unit = app.units_lookup(Role::Operator, "?gtin=09520123456788&serial=A1").await;
    let unit_id = unit.expect(200)["id"].as_str().unwrap().to_owned();
    let evil = json!({"command": {"type": "quarantine", "reason": "=HYPERLINK(\"http://x\")"}});
    app.units_commands(Role::Operator, &unit_id, evil).await.expect(200);

    let export = app.get_as(Role::Auditor, "/audit/export.csv?kind=unit.command").await;
    export.expect(200);
    assert!(export.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(export.text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[..5], ["seq", "at", "client_time", "kind", "actor"]);
    assert_eq!(header[11], "reason");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!((&rows[0][3], &rows[0][8]), ("unit.command", unit_id.as_str()));
    assert_eq!(&rows[0][11], "'=HYPERLINK(\"http://x\")", "a cell a spreadsheet would run is written as text");
    assert!(rows[0][10].starts_with('{'), "the new value as JSON: {}", &rows[0][10]);

    let check = app.get_as(Role::Auditor, "/audit/verify").await;
    let check = check.expect(200).clone();
    assert_eq!(check["intact"], true, "{check}");
    assert_eq!(check["chains"][0]["tenant_id"], app.tenant_id.as_str());
    assert!(check["chains"][0]["entries"].as_u64().unwrap() >= 4);
}
