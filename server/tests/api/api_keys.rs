use crate::helpers::{spawn_app, Answer};
use reqwest::Method;
use serde_json::json;
use serialtrack_server::auth::Role;

#[tokio::test]
async fn an_admin_makes_a_key_that_works_until_it_is_revoked() {
    let app = spawn_app().await;
    let created = app.admin_does(Method::POST, "/api_keys", Some(json!({"name": "line-7", "role": "operator"}))).await;
    let created = created.expect(201);
    let key = created["key"].as_str().unwrap().to_owned();
    let key_id = created["api_key"]["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with("st_"));
    app.call(Method::GET, "/me", Some(&key), None).await.expect(200);
    let list = app.get_as(Role::Admin, "/api_keys").await;
    assert!(!list.text.contains(&key), "the key itself is never listed");
    let revoked = app.call(Method::DELETE, &format!("/api_keys/{key_id}"), Some(app.key(Role::Admin)), None).await;
    assert_eq!(revoked.status, 204);
    app.call(Method::GET, "/me", Some(&key), None).await.expect(401);
}

#[tokio::test]
async fn only_admins_manage_keys() {
    let app = spawn_app().await;
    for role in [Role::Operator, Role::Supervisor, Role::Quality, Role::Service, Role::Auditor] {
        app.post_as(role, "/api_keys", json!({"name": "x", "role": "admin"})).await.expect(403);
        app.get_as(role, "/api_keys").await.expect(403);
    }
}

#[tokio::test]
async fn a_key_with_an_unknown_role_or_empty_name_is_refused() {
    let app = spawn_app().await;
    let answer = app.admin_does(Method::POST, "/api_keys", Some(json!({"name": "x", "role": "root"}))).await;
    answer.expect(422);
    app.admin_does(Method::POST, "/api_keys", Some(json!({"name": "  ", "role": "operator"}))).await.expect(422);
    let missing = app.call(Method::DELETE, "/api_keys/nope", Some(app.key(Role::Admin)), None).await;
    Answer::expect(&missing, 404);
}

#[tokio::test]
async fn a_key_s_last_use_is_listed_and_written_at_most_once_a_minute() {
    let app = spawn_app().await;
    let key_of = |list: &serde_json::Value, name: &str| {
        list["api_keys"].as_array().unwrap().iter().find(|key| key["name"] == name).cloned().unwrap()
    };
    let before = app.get_as(Role::Admin, "/api_keys").await;
    assert!(key_of(before.expect(200), "acme-operator-key")["last_used_at"].is_null(), "not used yet");
    app.get_as(Role::Operator, "/me").await.expect(200);
    let after = app.get_as(Role::Admin, "/api_keys").await;
    let used = key_of(after.expect(200), "acme-operator-key")["last_used_at"].clone();
    assert!(used.as_str().is_some_and(|at| at.ends_with('Z')), "{used}");

    // The store writes only over a value older than the throttle's bound, whoever asks and how often.
    let hash = serialtrack_server::auth::hash_token(app.key(Role::Operator));
    let listed = |answer: &Answer| key_of(&answer.body, "acme-operator-key")["last_used_at"].clone();
    app.store.api_key_used(&hash, 4_000_000_000_000, 0).await.unwrap();
    assert_eq!(listed(&app.get_as(Role::Admin, "/api_keys").await), used, "fresh: not written again");
    app.store.api_key_used(&hash, 4_000_000_000_000, 3_999_999_999_999).await.unwrap();
    assert_eq!(listed(&app.get_as(Role::Admin, "/api_keys").await), "2096-10-02T07:06:40Z", "stale: written");
}
