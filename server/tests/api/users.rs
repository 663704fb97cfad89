//! The admins' Users screen over HTTP: adding people, changing their roles and names, disabling them, setting
//! their passwords, and their sessions listed and ended one by one.

use crate::helpers::{spawn_app, Answer, TestApp, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};
use serialtrack_server::auth::{hash_token, Role};

fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("a client with cookies")
}

/// The id of a user of tenant A, by username (read as the admin's key).
async fn user_id(app: &TestApp, username: &str) -> String {
    let users = app.get_as(Role::Admin, "/users").await;
    let found =
        users.expect(200)["users"].as_array().unwrap().iter().find(|user| user["username"] == username).cloned();
    found.unwrap_or_else(|| panic!("no user {username}"))["id"].as_str().unwrap().to_owned()
}

/// `GET /me` in the session a client holds.
async fn me(app: &TestApp, client: &reqwest::Client) -> Answer {
    Answer::read(client.get(format!("{}/api/v1/me", app.address)).send().await.unwrap()).await
}

async fn signed_in(app: &TestApp, username: &str, password: &str) -> reqwest::Client {
    let client = cookie_client();
    app.sessions_create(&client, username, password).await.expect(201);
    client
}

fn new_user(username: &str, role: &str) -> Value {
    json!({"username": username, "display_name": "Grace Hopper", "role": role, "password": "correct horse battery"})
}

#[tokio::test]
async fn an_admin_adds_a_user_who_signs_in_and_is_listed_without_a_password() {
    let app = spawn_app().await;
    let made = app.admin_does(Method::POST, "/users", Some(new_user("grace", "supervisor"))).await;
    let made = made.expect(201).clone();
    assert_eq!((made["username"].as_str(), made["role"].as_str()), (Some("grace"), Some("supervisor")));
    assert_eq!((made["display_name"].as_str(), made["disabled"].as_bool()), (Some("Grace Hopper"), Some(false)));
    assert!(made["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(made["last_sign_in_at"].is_null(), "not signed in yet");

    let client = signed_in(&app, "grace", "correct horse battery").await;
    assert_eq!(me(&app, &client).await.expect(200)["role"], "supervisor");
    let list = app.get_as(Role::Admin, "/users").await;
    list.expect(200);
    assert!(!list.text.contains("argon2") && !list.text.contains("password"), "{}", list.text);
    let grace = list.body["users"].as_array().unwrap().iter().find(|user| user["username"] == "grace").unwrap();
    assert_eq!(grace["id"], made["id"]);
    assert!(grace["last_sign_in_at"].as_str().is_some_and(|at| at.ends_with('Z')), "{grace}");
    let names: Vec<&str> =
        list.body["users"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert!(names.windows(2).all(|pair| pair[0] <= pair[1]), "by username: {names:?}");
    assert!(!names.iter().any(|name| name.starts_with("other-")), "only the caller's organisation");
}

#[tokio::test]
async fn a_bad_new_user_is_refused_saying_what_to_change() {
    let app = spawn_app().await;
    let refused = |body: Value| app.admin_does(Method::POST, "/users", Some(body));
    let short = refused(json!({"username": "ada", "display_name": "Ada", "role": "operator", "password": "too short"}));
    let short = short.await;
    assert_eq!((short.expect(422), short.code()).1, "invalid_password");
    assert!(short.body["message"].as_str().unwrap().contains("at least 12"), "{}", short.text);
    let own_name = refused(json!({"username": "ada-lovelace", "display_name": "Ada", "role": "operator",
                                  "password": "Ada-Lovelace"}));
    assert_eq!(own_name.await.code(), "invalid_password");
    let role = refused(new_user("ada", "root")).await;
    assert_eq!((role.expect(422), role.code()).1, "invalid_role");
    assert!(role.body["message"].as_str().unwrap().contains("operator, supervisor"), "{}", role.text);
    for taken in ["acme-operator", "ACME-Operator", "other-admin"] {
        let answer = refused(new_user(taken, "operator")).await;
        assert_eq!((answer.expect(409), answer.code()).1, "username_taken", "{taken}");
    }
    assert_eq!(refused(new_user("ada lovelace", "operator")).await.code(), "invalid_username");
    assert_eq!(refused(new_user("  ", "operator")).await.code(), "invalid_username");
    let no_name = refused(json!({"username": "ada", "display_name": " ", "role": "operator",
                                 "password": "correct horse battery"}));
    assert_eq!(no_name.await.code(), "invalid_display_name");
    let extra = refused(json!({"username": "ada", "display_name": "Ada", "role": "operator",
                               "password": "correct horse battery", "password_hash": "x"}));
    assert_eq!(extra.await.code(), "invalid_body");
    let users = app.get_as(Role::Admin, "/users").await;
    assert!(!users.text.contains("\"ada"), "nothing was added: {}", users.text);
}

#[tokio::test]
async fn only_admins_manage_users_and_only_in_person_what_grants_access() {
    let app = spawn_app().await;
    let operator_id = user_id(&app, "acme-operator").await;
    for role in [Role::Operator, Role::Supervisor, Role::Quality, Role::Service, Role::Auditor] {
        app.get_as(role, "/users").await.expect(403);
        app.get_as(role, &format!("/users/{operator_id}/sessions")).await.expect(403);
        app.post_as(role, "/users", new_user("ada", "admin")).await.expect(403);
    }
    let by_supervisor =
        app.person_does("acme-supervisor", Method::POST, "/users", Some(new_user("ada", "admin"))).await;
    assert_eq!(by_supervisor.status.as_u16(), 403);
    let by_supervisor = app
        .person_does("acme-supervisor", Method::PATCH, &format!("/users/{operator_id}"), Some(json!({"role": "admin"})))
        .await;
    assert_eq!(by_supervisor.code(), "forbidden");

    // An admin key reads, but never makes or widens an account.
    let key = Some(app.key(Role::Admin));
    let made = app.call(Method::POST, "/users", key, Some(new_user("ada", "admin"))).await;
    assert_eq!((made.expect(403), made.code()).1, "person_only");
    let path = format!("/users/{operator_id}");
    let promoted = app.call(Method::PATCH, &path, key, Some(json!({"role": "admin"}))).await;
    assert_eq!(promoted.code(), "person_only");
    let password = json!({"password": "a-brand-new-password"});
    let reset = app.call(Method::POST, &format!("/users/{operator_id}/password"), key, Some(password)).await;
    assert_eq!(reset.code(), "person_only");
    let operator = app.get_as(Role::Admin, "/users").await;
    let operator = operator.expect(200)["users"].as_array().unwrap().iter().find(|u| u["id"] == operator_id.as_str());
    assert_eq!(operator.unwrap()["role"], "operator");
}

#[tokio::test]
async fn a_user_s_role_and_name_change_and_take_effect_on_their_next_request() {
    let app = spawn_app().await;
    let operator_id = user_id(&app, "acme-operator").await;
    let client = signed_in(&app, "acme-operator", PASSWORD).await;
    assert_eq!(me(&app, &client).await.expect(200)["role"], "operator");
    app.get_as(Role::Admin, "/me").await.expect(200);

    let change = json!({"role": "supervisor", "display_name": " Line lead "});
    let changed = app.admin_does(Method::PATCH, &format!("/users/{operator_id}"), Some(change)).await;
    let changed = changed.expect(200);
    assert_eq!((changed["role"].as_str(), changed["display_name"].as_str()), (Some("supervisor"), Some("Line lead")));
    let now = me(&app, &client).await;
    assert_eq!(
        (now.expect(200)["role"].as_str(), now.body["display_name"].as_str()),
        (Some("supervisor"), Some("Line lead"))
    );

    let bad = app.admin_does(Method::PATCH, &format!("/users/{operator_id}"), Some(json!({"role": "boss"}))).await;
    assert_eq!((bad.expect(422), bad.code()).1, "invalid_role");
    let unknown = app.admin_does(Method::PATCH, "/users/no-such-user", Some(json!({"disabled": true}))).await;
    unknown.expect(404);
    let trail = app.get_as(Role::Admin, &format!("/audit?object_id={operator_id}&kind=user.changed")).await;
    let entry = trail.expect(200)["entries"][0].clone();
    assert_eq!(entry["old_value"], json!({"role": "operator", "display_name": "Acme operator"}));
    assert_eq!(entry["new_value"], json!({"role": "supervisor", "display_name": "Line lead"}));
    assert_eq!(entry["actor"], "user:acme-admin");
}

#[tokio::test]
async fn the_last_enabled_admin_is_never_demoted_or_disabled() {
    let app = spawn_app().await;
    let admin_id = user_id(&app, "acme-admin").await;
    let path = format!("/users/{admin_id}");
    for change in [json!({"role": "supervisor"}), json!({"disabled": true})] {
        let refused = app.admin_does(Method::PATCH, &path, Some(change)).await;
        assert_eq!((refused.expect(409), refused.code()).1, "last_admin");
        assert!(refused.body["message"].as_str().unwrap().contains("make another user an admin first"));
    }
    // A name change of the last admin is fine.
    app.admin_does(Method::PATCH, &path, Some(json!({"display_name": "The admin"}))).await.expect(200);

    let second = user_id(&app, "acme-supervisor").await;
    app.admin_does(Method::PATCH, &format!("/users/{second}"), Some(json!({"role": "admin"}))).await.expect(200);
    app.admin_does(Method::PATCH, &format!("/users/{second}"), Some(json!({"disabled": true}))).await.expect(200);
    // A disabled admin is no admin to fall back on.
    let refused = app.admin_does(Method::PATCH, &path, Some(json!({"role": "operator"}))).await;
    assert_eq!(refused.code(), "last_admin");
    app.admin_does(Method::PATCH, &format!("/users/{second}"), Some(json!({"disabled": false}))).await.expect(200);
    let demoted = app.admin_does(Method::PATCH, &path, Some(json!({"role": "operator"}))).await;
    assert_eq!(demoted.expect(200)["role"], "operator");
    let users = app.get_as(Role::Admin, "/users").await;
    let admins = users.expect(200)["users"].as_array().unwrap().iter().filter(|u| u["role"] == "admin").count();
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_and_their_sessions_stop_working() {
    let app = spawn_app().await;
    let operator_id = user_id(&app, "acme-operator").await;
    let client = signed_in(&app, "acme-operator", PASSWORD).await;
    me(&app, &client).await.expect(200);

    let disabled =
        app.admin_does(Method::PATCH, &format!("/users/{operator_id}"), Some(json!({"disabled": true}))).await;
    assert_eq!(disabled.expect(200)["disabled"], true);
    me(&app, &client).await.expect(401);
    let sessions = app.get_as(Role::Admin, &format!("/users/{operator_id}/sessions")).await;
    assert_eq!(sessions.expect(200)["sessions"], json!([]));
    let again = app.sessions_create(&cookie_client(), "acme-operator", PASSWORD).await;
    assert_eq!((again.expect(403), again.code()).1, "user_disabled");
    let wrong = app.sessions_create(&cookie_client(), "acme-operator", "wrong").await;
    assert_eq!(wrong.code(), "bad_credentials", "a wrong password says nothing of the account");

    let trail = app.get_as(Role::Admin, &format!("/audit?object_id={operator_id}")).await;
    let entries = trail.expect(200)["entries"].as_array().unwrap().clone();
    let change = entries.iter().find(|e| e["kind"] == "user.changed").unwrap();
    assert_eq!(change["new_value"], json!({"disabled": true, "sessions_ended": 1}));
    let refusal = entries.iter().find(|e| e["kind"] == "session.sign_in_failed").unwrap();
    assert_eq!(refusal["new_value"]["refused"], "user_disabled");

    app.admin_does(Method::PATCH, &format!("/users/{operator_id}"), Some(json!({"disabled": false}))).await.expect(200);
    let back = signed_in(&app, "acme-operator", PASSWORD).await;
    me(&app, &back).await.expect(200);
}

#[tokio::test]
async fn a_disabled_supervisor_cannot_approve() {
    let app = spawn_app().await;
    let product_id = app.a_product("09520123456788", "Pill").await;
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["A1"]})).await.expect(201);
    let unit = app.units_lookup(Role::Operator, "?gtin=09520123456788&serial=A1").await;
    let unit_id = unit.expect(200)["id"].as_str().unwrap().to_owned();
    let quarantine = json!({"command": {"type": "quarantine", "reason": "seal"}});
    app.units_commands(Role::Operator, &unit_id, quarantine).await.expect(200);
    let supervisor_id = user_id(&app, "acme-supervisor").await;
    app.admin_does(Method::PATCH, &format!("/users/{supervisor_id}"), Some(json!({"disabled": true})))
        .await
        .expect(200);
    let resolve = json!({"command": {"type": "resolve_quarantine", "notes": "ok"},
                         "approval": {"username": "acme-supervisor", "password": PASSWORD}});
    let refused = app.units_commands(Role::Quality, &unit_id, resolve).await;
    assert_eq!((refused.expect(422), refused.code()).1, "invalid_approval");
    assert!(refused.body["message"].as_str().unwrap().contains("disabled"), "{}", refused.text);
}

#[tokio::test]
async fn a_new_password_ends_the_user_s_sessions() {
    let app = spawn_app().await;
    let operator_id = user_id(&app, "acme-operator").await;
    let client = signed_in(&app, "acme-operator", PASSWORD).await;
    let path = format!("/users/{operator_id}/password");

    let short = app.admin_does(Method::POST, &path, Some(json!({"password": "short"}))).await;
    assert_eq!((short.expect(422), short.code()).1, "invalid_password");
    me(&app, &client).await.expect(200);
    let set = app.admin_does(Method::POST, &path, Some(json!({"password": "a-brand-new-password"}))).await;
    assert_eq!(set.status.as_u16(), 204, "{}", set.text);
    me(&app, &client).await.expect(401);
    app.sessions_create(&cookie_client(), "acme-operator", PASSWORD).await.expect(401);
    signed_in(&app, "acme-operator", "a-brand-new-password").await;
    let unknown =
        app.admin_does(Method::POST, "/users/no-such-user/password", Some(json!({"password": "x".repeat(12)})));
    unknown.await.expect(404);

    let trail = app.get_as(Role::Admin, &format!("/audit?object_id={operator_id}&kind=user.password_set")).await;
    let entries = trail.expect(200)["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["new_value"], json!({"sessions_ended": 1}));
    assert!(!trail.text.contains("a-brand-new-password") && !trail.text.contains("argon2"));
}

#[tokio::test]
async fn a_user_s_sessions_are_listed_by_a_public_id_and_ended_one_by_one() {
    let app = spawn_app().await;
    let operator_id = user_id(&app, "acme-operator").await;
    let tablet = reqwest::Client::builder().cookie_store(true).user_agent("Line 1 tablet").build().unwrap();
    let login = app.sessions_create(&tablet, "acme-operator", PASSWORD).await;
    let cookie = login.headers["set-cookie"].to_str().unwrap().to_owned();
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
    let desk = signed_in(&app, "acme-operator", PASSWORD).await;

    let path = format!("/users/{operator_id}/sessions");
    let listed = app.get_as(Role::Admin, &path).await;
    let sessions = listed.expect(200)["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{}", listed.text);
    assert!(!listed.text.contains(&token) && !listed.text.contains(&hash_token(&token)), "never the token");
    let on_tablet = sessions.iter().find(|s| s["user_agent"] == "Line 1 tablet").expect("the tablet's session").clone();
    assert_eq!(on_tablet["client_address"], "127.0.0.1");
    for field in ["created_at", "expires_at", "last_seen_at"] {
        assert!(on_tablet[field].as_str().is_some_and(|at| at.ends_with('Z')), "{field}: {on_tablet}");
    }
    let session_id = on_tablet["id"].as_str().unwrap().to_owned();

    let ended = app.call(Method::DELETE, &format!("{path}/{session_id}"), Some(app.key(Role::Admin)), None).await;
    assert_eq!(ended.status.as_u16(), 204, "{}", ended.text);
    me(&app, &tablet).await.expect(401);
    me(&app, &desk).await.expect(200);
    let again = app.call(Method::DELETE, &format!("{path}/{session_id}"), Some(app.key(Role::Admin)), None).await;
    again.expect(404);
    let supervisor_id = user_id(&app, "acme-supervisor").await;
    let desk_id = app.get_as(Role::Admin, &path).await.body["sessions"][0]["id"].as_str().unwrap().to_owned();
    let wrong_user = format!("/users/{supervisor_id}/sessions/{desk_id}");
    app.call(Method::DELETE, &wrong_user, Some(app.key(Role::Admin)), None).await.expect(404);
    me(&app, &desk).await.expect(200);
    app.get_as(Role::Admin, "/users/no-such-user/sessions").await.expect(404);

    let trail = app.get_as(Role::Admin, &format!("/audit?object_id={operator_id}&kind=session.revoked")).await;
    let entry = trail.expect(200)["entries"][0].clone();
    assert_eq!(
        (entry["new_value"].clone(), entry["actor"].as_str()),
        (json!({"session_id": session_id}), Some("key:acme-admin-key"))
    );
}

#[tokio::test]
async fn a_session_s_last_sight_is_written_at_most_once_a_minute() {
    let app = spawn_app().await;
    let operator_id = user_id(&app, "acme-operator").await;
    let client = cookie_client();
    let login = app.sessions_create(&client, "acme-operator", PASSWORD).await;
    let cookie = login.headers["set-cookie"].to_str().unwrap().to_owned();
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
    let path = format!("/users/{operator_id}/sessions");
    let seen = |answer: Answer| answer.body["sessions"][0]["last_seen_at"].clone();
    let at_sign_in = seen(app.get_as(Role::Admin, &path).await);
    assert_eq!(at_sign_in, app.get_as(Role::Admin, &path).await.body["sessions"][0]["created_at"]);
    me(&app, &client).await.expect(200);
    assert_eq!(seen(app.get_as(Role::Admin, &path).await), at_sign_in, "seen within the minute: not written");
    app.store.session_seen(&hash_token(&token), 4_000_000_000_000, 3_999_999_999_999).await.unwrap();
    assert_eq!(seen(app.get_as(Role::Admin, &path).await), "2096-10-02T07:06:40Z");
}
