//! Locations: added, renamed and given a GLN or none, by supervisors and admins; every change audited.

use crate::helpers::spawn_app;
use reqwest::Method;
use serde_json::json;
use serialtrack_server::auth::Role;

#[tokio::test]
async fn a_location_is_renamed_and_its_gln_set_then_removed() {
    let app = spawn_app().await;
    let made = app.post_as(Role::Supervisor, "/locations", json!({"name": "Dock 1"})).await;
    let id = made.expect(201)["id"].as_str().unwrap().to_owned();
    let path = format!("/locations/{id}");

    let changed = app.admin_does(Method::PATCH, &path, Some(json!({"name": " Dock 7 ", "gln": "4012345000009"}))).await;
    assert_eq!(changed.expect(200)["name"], "Dock 7");
    assert_eq!(changed.body["gln"], "4012345000009");
    let cleared = app.admin_does(Method::PATCH, &path, Some(json!({"name": "Dock 7"}))).await;
    assert!(cleared.expect(200)["gln"].is_null());

    let listed = app.get_as(Role::Operator, "/locations").await;
    let names: Vec<_> = listed.expect(200)["locations"].as_array().unwrap().iter().map(|l| l["name"].clone()).collect();
    assert_eq!(names, [json!("Dock 7")]);

    let trail = app.get_as(Role::Admin, &format!("/audit?object_id={id}")).await;
    let kinds: Vec<_> = trail.expect(200)["entries"].as_array().unwrap().iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(kinds, [json!("location.created"), json!("location.changed"), json!("location.changed")]);
}

#[tokio::test]
async fn a_bad_change_is_refused_with_what_to_do() {
    let app = spawn_app().await;
    let first = app.post_as(Role::Admin, "/locations", json!({"name": "Dock 1"})).await;
    let id = first.expect(201)["id"].as_str().unwrap().to_owned();
    app.post_as(Role::Admin, "/locations", json!({"name": "Dock 2"})).await.expect(201);
    let path = format!("/locations/{id}");

    let taken = app.admin_does(Method::PATCH, &path, Some(json!({"name": "Dock 2"}))).await;
    taken.expect(409);
    let bad_gln = app.admin_does(Method::PATCH, &path, Some(json!({"name": "Dock 1", "gln": "4012345000008"}))).await;
    assert_eq!((bad_gln.expect(422), bad_gln.code()).1, "invalid_gln");
    let no_name = app.admin_does(Method::PATCH, &path, Some(json!({"name": "  "}))).await;
    assert_eq!((no_name.expect(422), no_name.code()).1, "invalid_name");
    app.admin_does(Method::PATCH, "/locations/no-such-id", Some(json!({"name": "X"}))).await.expect(404);

    let operator = app.call(Method::PATCH, &path, Some(app.key(Role::Operator)), Some(json!({"name": "Mine"}))).await;
    operator.expect(403);
    let unchanged = app.get_as(Role::Admin, "/locations").await;
    assert_eq!(unchanged.expect(200)["locations"][0]["name"], "Dock 1");
}
