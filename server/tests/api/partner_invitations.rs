//! Partner invitations over HTTP: a brand owner's admin invites a contract manufacturer's organisation by its
//! id, the invited admin accepts (and the two are partners) or declines, the brand owner may withdraw.

use crate::helpers::{spawn_app, Answer, TestApp};
use reqwest::Method;
use serde_json::json;
use serialtrack_server::auth::Role;

async fn invite(app: &TestApp, partner_tenant_id: &str) -> Answer {
    app.admin_does(Method::POST, "/partners/invitations", Some(json!({"partner_tenant_id": partner_tenant_id}))).await
}

async fn invitation_id(app: &TestApp, partner_tenant_id: &str) -> String {
    invite(app, partner_tenant_id).await.expect(201)["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_brand_owner_invites_a_contract_manufacturer_which_accepts_and_they_are_partners() {
    let app = spawn_app().await;
    let (cmo_id, cmo_keys) = app.a_contract_manufacturer("Bottlers Ltd", "bottlers").await;
    let sent = invite(&app, &cmo_id).await;
    let sent = sent.expect(201).clone();
    assert_eq!((sent["direction"].as_str(), sent["status"].as_str()), (Some("sent"), Some("pending")));
    assert_eq!(sent["owner"], json!({"id": app.tenant_id, "name": "Acme"}));
    assert_eq!(sent["partner"], json!({"id": cmo_id, "name": "Bottlers Ltd"}));
    assert_eq!(sent["invited_by"], "user:acme-admin");
    assert!(sent["settled_at"].is_null());
    let id = sent["id"].as_str().unwrap().to_owned();

    let theirs = app.call(Method::GET, "/partners/invitations", Some(&cmo_keys[&Role::Admin]), None).await;
    let received = theirs.expect(200)["invitations"][0].clone();
    assert_eq!((received["id"].as_str(), received["direction"].as_str()), (Some(id.as_str()), Some("received")));
    assert!(received["invited_by"].is_null(), "who at the brand owner's is its own business");
    let ours = app.get_as(Role::Admin, "/partners/invitations").await;
    assert_eq!(ours.expect(200)["invitations"][0]["direction"], "sent");

    let accepted =
        app.person_does("bottlers-admin", Method::POST, &format!("/partners/invitations/{id}/accept"), None).await;
    assert_eq!(accepted.expect(200)["status"], "accepted");
    assert!(accepted.body["settled_at"].as_str().is_some_and(|at| at.ends_with('Z')));
    let partners = app.get_as(Role::Operator, "/partners").await;
    assert_eq!(partners.expect(200)["partners"][0]["id"], cmo_id.as_str());
    let their_partners = app.call(Method::GET, "/partners", Some(&cmo_keys[&Role::Operator]), None).await;
    assert_eq!(their_partners.expect(200)["partners"][0]["name"], "Acme");

    // The partnership is a real one: serials go to the partner's pool.
    let product_id = app.a_product("09520123456788", "Pill").await;
    app.pool_generate(Role::Admin, &product_id, 3).await.expect(201);
    let assign = json!({"count": 2, "assigned_to": "CMO batch", "partner_tenant_id": cmo_id});
    app.post_as(Role::Admin, &format!("/products/{product_id}/pool/assign"), assign).await.expect(200);
    let their_pool = app.call(Method::GET, "/pool/counts", Some(&cmo_keys[&Role::Operator]), None).await;
    assert_eq!(their_pool.expect(200)["products"][0]["available"], 2);

    let trail = app.get_as(Role::Admin, &format!("/audit?object_kind=partner_invitation&object_id={id}")).await;
    let kinds: Vec<_> = trail.expect(200)["entries"].as_array().unwrap().iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(kinds, [json!("partner.invited"), json!("partner.accepted")]);
    let accepted_entry = &trail.body["entries"][1];
    assert_eq!(accepted_entry["actor"], "user:bottlers-admin");
    assert_eq!(accepted_entry["new_value"]["partnership"], format!("{}/{cmo_id}", app.tenant_id));
}

#[tokio::test]
async fn an_invitation_that_cannot_be_is_refused_saying_why() {
    let app = spawn_app().await;
    let (cmo_id, _) = app.a_contract_manufacturer("Bottlers Ltd", "bottlers").await;
    let yourself = invite(&app, &app.tenant_id).await;
    assert_eq!((yourself.expect(422), yourself.code()).1, "invite_yourself");
    let unknown = invite(&app, "no-such-organisation").await;
    assert_eq!((unknown.expect(422), unknown.code()).1, "unknown_organisation");
    assert!(unknown.body["message"].as_str().unwrap().contains("tenant.id"), "{}", unknown.text);
    let other_brand = app.call(Method::GET, "/me", Some(&app.other_keys[&Role::Admin]), None).await;
    let other_brand = other_brand.expect(200)["tenant"]["id"].as_str().unwrap().to_owned();
    assert_eq!(invite(&app, &other_brand).await.code(), "not_a_contract_manufacturer");
    let by_cmo = app.person_does(
        "bottlers-admin",
        Method::POST,
        "/partners/invitations",
        Some(json!({"partner_tenant_id": app.tenant_id})),
    );
    assert_eq!(by_cmo.await.code(), "not_a_brand_owner");

    let id = invitation_id(&app, &cmo_id).await;
    let twice = invite(&app, &cmo_id).await;
    assert_eq!((twice.expect(409), twice.code()).1, "already_invited");
    let own = app.admin_does(Method::POST, &format!("/partners/invitations/{id}/accept"), None).await;
    assert_eq!((own.expect(409), own.code()).1, "not_invited");
    let accept = format!("/partners/invitations/{id}/accept");
    app.person_does("bottlers-admin", Method::POST, &accept, None).await.expect(200);
    let again = app.person_does("bottlers-admin", Method::POST, &accept, None).await;
    assert_eq!((again.expect(409), again.code()).1, "invitation_not_pending");
    assert!(again.body["message"].as_str().unwrap().contains("accepted"), "{}", again.text);
    let withdrawn =
        app.call(Method::DELETE, &format!("/partners/invitations/{id}"), Some(app.key(Role::Admin)), None).await;
    assert_eq!(withdrawn.code(), "invitation_not_pending");
    let partners_already = invite(&app, &cmo_id).await;
    assert_eq!((partners_already.expect(409), partners_already.code()).1, "already_partners");
    let unknown = app.admin_does(Method::POST, "/partners/invitations/no-such-id/accept", None).await;
    unknown.expect(404);
}

#[tokio::test]
async fn the_brand_owner_withdraws_and_the_invited_declines() {
    let app = spawn_app().await;
    let (cmo_id, cmo_keys) = app.a_contract_manufacturer("Bottlers Ltd", "bottlers").await;
    let first = invitation_id(&app, &cmo_id).await;
    let withdraw =
        app.call(Method::DELETE, &format!("/partners/invitations/{first}"), Some(app.key(Role::Admin)), None).await;
    assert_eq!(withdraw.status.as_u16(), 204);
    let late =
        app.person_does("bottlers-admin", Method::POST, &format!("/partners/invitations/{first}/accept"), None).await;
    assert_eq!(late.code(), "invitation_not_pending");

    let second = invitation_id(&app, &cmo_id).await;
    let decline = format!("/partners/invitations/{second}");
    let declined = app.call(Method::DELETE, &decline, Some(&cmo_keys[&Role::Admin]), None).await;
    assert_eq!(declined.status.as_u16(), 204, "{}", declined.text);
    let listed = app.get_as(Role::Admin, "/partners/invitations").await;
    let statuses: Vec<_> = listed.expect(200)["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].clone(), i["status"].clone()))
        .collect();
    assert_eq!(statuses, [(json!(second), json!("declined")), (json!(first), json!("withdrawn"))], "newest first");
    assert_eq!(app.get_as(Role::Admin, "/partners").await.expect(200)["partners"], json!([]));

    let trail = app.call(Method::GET, "/audit?object_kind=partner_invitation", Some(&cmo_keys[&Role::Auditor]), None);
    let kinds: Vec<_> = trail.await.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["partner.invited", "partner.invitation_withdrawn", "partner.invited", "partner.invitation_declined"],
        "the invited organisation's own chain"
    );
}

#[tokio::test]
async fn only_admins_handle_invitations_and_in_person_what_makes_a_partnership() {
    let app = spawn_app().await;
    let (cmo_id, cmo_keys) = app.a_contract_manufacturer("Bottlers Ltd", "bottlers").await;
    for role in [Role::Operator, Role::Supervisor, Role::Quality, Role::Service, Role::Auditor] {
        app.get_as(role, "/partners/invitations").await.expect(403);
        app.post_as(role, "/partners/invitations", json!({"partner_tenant_id": cmo_id})).await.expect(403);
    }
    let by_key = app.post_as(Role::Admin, "/partners/invitations", json!({"partner_tenant_id": cmo_id})).await;
    assert_eq!((by_key.expect(403), by_key.code()).1, "person_only");
    let id = invitation_id(&app, &cmo_id).await;
    let accept = format!("/partners/invitations/{id}/accept");
    let key_accepts = app.call(Method::POST, &accept, Some(&cmo_keys[&Role::Admin]), None).await;
    assert_eq!(key_accepts.code(), "person_only");
    let operator_accepts = app.person_does("bottlers-operator", Method::POST, &accept, None).await;
    assert_eq!(operator_accepts.code(), "forbidden");
    let operator_declines =
        app.call(Method::DELETE, &format!("/partners/invitations/{id}"), Some(&cmo_keys[&Role::Operator]), None).await;
    operator_declines.expect(403);
    let listed = app.get_as(Role::Admin, "/partners/invitations").await;
    assert_eq!(listed.expect(200)["invitations"][0]["status"], "pending");
}
