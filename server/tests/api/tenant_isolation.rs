//! A user or key of one tenant probing every route with another tenant's ids sees nothing of it.

use crate::helpers::{spawn_app, Answer, TestApp, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;

fn body_for(path: &str) -> Option<Value> {
    let body = match path {
        p if p.ends_with("/pool/import") => json!({"serials": ["PROBE1"]}),
        p if p.ends_with("/pool/generate") => json!({"count": 1}),
        p if p.ends_with("/pool/assign") => json!({"count": 1, "assigned_to": "probe"}),
        p if p.ends_with("/pool/release") => json!({"serials": ["SECRET1"]}),
        p if p.ends_with("/reserve") => json!({"device_id": "probe", "count": 1}),
        p if p.ends_with("/return") => json!({"device_id": "probe"}),
        p if p.ends_with("/commission") => json!({"serials": ["SECRET1"]}),
        "/api/v1/orders" => {
            json!({"kind": "printing", "product_id": "{product_id}", "lot": "L1", "expiry": "2030-01-01",
                                   "quantity": 1})
        }
        "/api/v1/sync/push" => json!({"device_id": "probe", "ops": []}),
        "/api/v1/sync/escalations" => json!({"op_id": "{product_id}"}),
        p if p.ends_with("/settle") => json!({"note": "probe"}),
        p if p.ends_with("/lift") => json!({"reason": "probe"}),
        "/api/v1/retention/holds" => json!({"scope": "product", "product_id": "{product_id}", "reason": "probe"}),
        "/api/v1/retention/policy" => json!({"keep_years": 7, "archive_after_years": 2, "counted_from": "expiry"}),
        "/api/v1/users" => {
            json!({"username": "probe-user", "display_name": "Probe", "role": "admin", "password": "a-long-probe-password"})
        }
        p if p.ends_with("/password") => json!({"password": "a-long-probe-password"}),
        p if p.starts_with("/api/v1/users/") => json!({"role": "operator", "disabled": true}),
        "/api/v1/partners/invitations" => json!({"partner_tenant_id": "{product_id}"}),
        p if p.starts_with("/api/v1/api_keys/") => {
            json!({"reads_extra": true, "max_serials_per_request": 10_000_000, "max_exported_serials_per_day": null})
        }
        p if p.starts_with("/api/v1/partners/") => json!({"max_serials_per_request": 10_000_000}),
        p if p.ends_with("/commands") => json!({"command": {"type": "add_note", "text": "probe"}}),
        p if p.starts_with("/api/v1/products/") => json!({"name": "Hijacked"}),
        p if p.starts_with("/api/v1/locations/") => json!({"name": "Hijacked"}),
        "/api/v1/products" => json!({"code_schema": "internal", "code": "PROBE-1", "name": "Probe"}),
        "/api/v1/units" => json!({"product_id": "{product_id}", "serials": ["PROBE2"]}),
        "/api/v1/sessions" => json!({"username": "acme-admin", "password": "wrong"}),
        _ => return None,
    };
    Some(body)
}

#[tokio::test]
async fn another_tenant_sees_nothing_of_ours_on_any_route() {
    let app = spawn_app().await;
    let product_id = app.a_product("9527770001118", "Secret Pill").await;
    app.pool_import(Role::Admin, &product_id, json!({"serials": ["SECRET1", "SECRET2"]})).await.expect(201);
    let order = json!({"kind": "packaging", "product_id": product_id, "lot": "L1", "expiry": "2030-01-01", "line": "L",
                       "quantity": 1});
    let order_id = app.post_as(Role::Admin, "/orders", order).await.expect(201)["id"].as_str().unwrap().to_owned();
    let location = app.post_as(Role::Admin, "/locations", json!({"name": "Secret Dock"})).await;
    let location_id = location.expect(201)["id"].as_str().unwrap().to_owned();
    let ours = our_people_and_invitation(&app).await;
    let hold = json!({"scope": "product", "product_id": product_id, "reason": "Secret inquiry"});
    let hold_id =
        app.post_as(Role::Admin, "/retention/holds", hold).await.expect(201)["id"].as_str().unwrap().to_owned();
    let markers = [
        "Secret Pill",
        "Secret Dock",
        "SECRET1",
        "09527770001118",
        product_id.as_str(),
        app.tenant_id.as_str(),
        &order_id,
        "secret-user",
        &ours.user_id,
        &ours.session_id,
        &ours.invitation_id,
        &hold_id,
        "Secret inquiry",
    ];

    for (method, path) in app.documented_operations().await {
        let url_path = path.replace("{product_id}", &product_id).replace("{unit_id}", &product_id);
        let url_path = url_path.replace("{key_id}", &product_id).replace("{order_id}", &order_id);
        let url_path = url_path.replace("{op_id}", &product_id).replace("{partner_id}", &app.tenant_id);
        let url_path = url_path.replace("{serial}", "SECRET1").replace("{location_id}", &location_id);
        let url_path = url_path.replace("{user_id}", &ours.user_id).replace("{session_id}", &ours.session_id);
        let url_path = url_path.replace("{invitation_id}", &ours.invitation_id).replace("{hold_id}", &hold_id);
        let relative = url_path.strip_prefix("/api/v1").unwrap_or(&url_path).to_owned();
        let body = body_for(&path)
            .map(|body| serde_json::from_str(&body.to_string().replace("{product_id}", &product_id)).unwrap_or(body));
        for role in [Role::Admin, Role::Operator, Role::Auditor] {
            let key = app.other_keys[&role].clone();
            let answer: Answer = app.call(method.clone(), &relative, Some(&key), body.clone()).await;
            for marker in markers {
                assert!(
                    !answer.text.contains(marker),
                    "{method} {path} as other {role} leaked {marker}: {}",
                    answer.text
                );
            }
            if path.contains('{') {
                assert!(
                    [403, 404].contains(&answer.status.as_u16()),
                    "{method} {path} as other {role} answered {}: {}",
                    answer.status,
                    answer.text
                );
            }
        }
    }
    let product = app.get_as(Role::Admin, &format!("/products/{product_id}")).await;
    assert_eq!(product.expect(200)["name"], "Secret Pill");
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(counts.expect(200)["products"][0]["available"], 1, "one serial is on the order");
    let order = app.get_as(Role::Admin, &format!("/orders/{order_id}")).await;
    assert_eq!(order.expect(200)["status"], "released");
}

/// Tenant A's user `secret-user` with a live session, and an invitation A sent to a contract manufacturer.
struct Ours {
    user_id: String,
    session_id: String,
    invitation_id: String,
}

async fn our_people_and_invitation(app: &TestApp) -> Ours {
    let user =
        json!({"username": "secret-user", "display_name": "Secret User", "role": "operator", "password": PASSWORD});
    let made = app.admin_does(Method::POST, "/users", Some(user)).await;
    let user_id = made.expect(201)["id"].as_str().unwrap().to_owned();
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    app.sessions_create(&client, "secret-user", PASSWORD).await.expect(201);
    let sessions = app.get_as(Role::Admin, &format!("/users/{user_id}/sessions")).await;
    let session_id = sessions.expect(200)["sessions"][0]["id"].as_str().unwrap().to_owned();
    let invited = app.store.tenant_create("Invited CMO", "contract_manufacturer").await.unwrap();
    let invitation =
        app.admin_does(Method::POST, "/partners/invitations", Some(json!({"partner_tenant_id": invited.id})));
    let invitation_id = invitation.await.expect(201)["id"].as_str().unwrap().to_owned();
    Ours { user_id, session_id, invitation_id }
}

#[tokio::test]
async fn another_tenant_s_admin_in_person_finds_none_of_our_users_sessions_or_invitations() {
    let app = spawn_app().await;
    let ours = our_people_and_invitation(&app).await;
    let (user, session, invitation) = (&ours.user_id, &ours.session_id, &ours.invitation_id);
    let probes = [
        (Method::PATCH, format!("/users/{user}"), Some(json!({"disabled": true}))),
        (Method::POST, format!("/users/{user}/password"), Some(json!({"password": "a-long-probe-password"}))),
        (Method::GET, format!("/users/{user}/sessions"), None),
        (Method::DELETE, format!("/users/{user}/sessions/{session}"), None),
        (Method::POST, format!("/partners/invitations/{invitation}/accept"), None),
        (Method::DELETE, format!("/partners/invitations/{invitation}"), None),
    ];
    for (method, path, body) in probes {
        let answer = app.person_does("other-admin", method.clone(), &path, body).await;
        assert_eq!(answer.status.as_u16(), 404, "{method} {path} by the other tenant's admin: {}", answer.text);
        answer.expect(404);
    }
    // Our own session of the user is one of ours: the other tenant's admin cannot end it through its own user id.
    let theirs = app.person_does("other-admin", Method::GET, "/users", None).await;
    let their_admin = theirs.expect(200)["users"].as_array().unwrap().iter().find(|u| u["username"] == "other-admin");
    let their_admin = their_admin.unwrap()["id"].as_str().unwrap().to_owned();
    let crossed =
        app.person_does("other-admin", Method::DELETE, &format!("/users/{their_admin}/sessions/{session}"), None).await;
    crossed.expect(404);

    let listed = app.person_does("other-admin", Method::GET, "/users", None).await;
    assert!(!listed.text.contains("secret-user"), "{}", listed.text);
    let sessions = app.get_as(Role::Admin, &format!("/users/{user}/sessions")).await;
    assert_eq!(sessions.expect(200)["sessions"].as_array().unwrap().len(), 1, "the session is still live");
    let invitations = app.get_as(Role::Admin, "/partners/invitations").await;
    assert_eq!(invitations.expect(200)["invitations"][0]["status"], "pending");
    let me = app.get_as(Role::Admin, "/users").await;
    let secret = me.expect(200)["users"].as_array().unwrap().iter().find(|u| u["username"] == "secret-user").cloned();
    assert_eq!(secret.unwrap()["disabled"], false);
}

#[tokio::test]
async fn an_organisations_export_ceilings_bind_its_own_callers_only() {
    let app = spawn_app().await;
    let lowered = json!({"roles": [{"role": "operator", "serials_per_day": 1}], "label_downloads_per_order": 1});
    app.admin_does(Method::PATCH, "/export_ceilings", Some(lowered)).await.expect(200);
    let other = |role: Role| app.other_keys[&role].clone();
    let theirs = app.call(Method::GET, "/export_ceilings", Some(&other(Role::Auditor)), None).await;
    assert_eq!(
        (theirs.expect(200)["roles"][0]["serials_per_day"].as_i64(), theirs.body["label_downloads_per_order"].as_i64()),
        (Some(1_000_000), Some(3))
    );
    let product = json!({"code_schema": "gtin", "code": "9527770001118", "name": "Their Pill"});
    let product = app.call(Method::POST, "/products", Some(&other(Role::Admin)), Some(product)).await;
    let order = json!({"kind": "printing", "product_id": product.expect(201)["id"], "lot": "L1",
                       "expiry": "2030-01-01", "quantity": 2});
    let order = app.call(Method::POST, "/orders", Some(&other(Role::Admin)), Some(order)).await;
    let labels = format!("/orders/{}/labels.csv", order.expect(201)["id"].as_str().unwrap());
    for _ in 0..2 {
        let csv = app.call(Method::GET, &labels, Some(&other(Role::Operator)), None).await;
        assert_eq!(csv.status.as_u16(), 200, "{}", csv.text);
    }
}
