use crate::helpers::{spawn_app, Answer, PASSWORD};
use reqwest::Method;
use serialtrack_server::auth::Role;

fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("a client with cookies")
}

#[tokio::test]
async fn signing_in_sets_an_http_only_strict_cookie_and_me_shows_the_user() {
    let app = spawn_app().await;
    let client = cookie_client();
    let answer = app.sessions_create(&client, "acme-supervisor", PASSWORD).await;
    let me = answer.expect(201);
    assert_eq!((me["name"].as_str(), me["role"].as_str()), (Some("acme-supervisor"), Some("supervisor")));
    assert_eq!(me["tenant"]["id"].as_str(), Some(app.tenant_id.as_str()));
    let cookie = answer.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");

    let me = Answer::read(client.get(format!("{}/api/v1/me", app.address)).send().await.unwrap()).await;
    assert_eq!(me.expect(200)["kind"].as_str(), Some("user"));
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let client = cookie_client();
    app.sessions_create(&client, "acme-operator", PASSWORD).await.expect(201);
    let out = client.delete(format!("{}/api/v1/sessions/current", app.address)).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let me = Answer::read(client.get(format!("{}/api/v1/me", app.address)).send().await.unwrap()).await;
    me.expect(401);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_failures_are_rate_limited() {
    let app = spawn_app().await;
    let client = cookie_client();
    for _ in 0..5 {
        let answer = app.sessions_create(&client, "acme-admin", "wrong").await;
        assert_eq!((answer.expect(401), answer.code()), (&answer.body, "bad_credentials"));
    }
    let limited = app.sessions_create(&client, "acme-admin", PASSWORD).await;
    limited.expect(429);
    assert!(limited.headers.contains_key("retry-after"));
    app.sessions_create(&client, "acme-operator", PASSWORD).await.expect(201);
}

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    let answer = app.sessions_create(&cookie_client(), "nobody", PASSWORD).await;
    assert_eq!(answer.code(), "bad_credentials");
}

#[tokio::test]
async fn an_api_key_speaks_for_its_tenant_and_role() {
    let app = spawn_app().await;
    let me = app.get_as(Role::Auditor, "/me").await;
    let me = me.expect(200);
    assert_eq!((me["kind"].as_str(), me["role"].as_str()), (Some("api_key"), Some("auditor")));
    assert_eq!(me["tenant"]["id"].as_str(), Some(app.tenant_id.as_str()));
}

#[tokio::test]
async fn a_malformed_authorization_header_is_401() {
    let app = spawn_app().await;
    for header in ["Bearer ", "Basic abc", "Bearer st_not-a-key"] {
        let response = app
            .client
            .request(Method::GET, format!("{}/api/v1/me", app.address))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        Answer::read(response).await.expect(401);
    }
}

#[tokio::test]
async fn a_device_is_named_once_and_renamed_and_a_bad_name_is_refused() {
    let app = crate::helpers::spawn_app().await;
    let device = "ea21ea29-ba26-4b1e-9a53-0c2f3d4e5f60";
    let name = |role, id: &str, name: &str| {
        let body = serde_json::json!({"device_id": id, "name": name});
        app.call(Method::POST, "/devices", Some(app.key(role)), Some(body))
    };
    assert_eq!(name(Role::Operator, device, "  Line 1 tablet ").await.expect(200)["name"], "Line 1 tablet");
    name(Role::Supervisor, device, "Line 2 tablet").await.expect(200);
    let list = app.get_as(Role::Auditor, "/devices").await;
    assert_eq!(list.expect(200)["devices"], serde_json::json!([{"id": device, "name": "Line 2 tablet"}]));
    for bad in ["", "   ", &"x".repeat(61)] {
        let refused = name(Role::Operator, device, bad).await;
        assert_eq!((refused.status.as_u16(), refused.code()), (422, "invalid_name"), "{bad:?}");
    }
    let nul = name(Role::Operator, device, "tab\u{0}let").await;
    assert_eq!((nul.status.as_u16(), nul.code()), (422, "invalid_text"), "a NUL is refused like in any body");
    assert_eq!(name(Role::Operator, "a b", "Tablet").await.code(), "invalid_device_id");
}
