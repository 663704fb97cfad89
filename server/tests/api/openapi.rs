//! The OpenAPI document and the router describe the same routes.

use crate::helpers::spawn_app;
use reqwest::Method;
use std::collections::BTreeSet;
use std::path::Path;

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = spawn_app().await;
    let operations = app.documented_operations().await;
    assert!(operations.len() >= 15, "only {} operations documented", operations.len());
    for (method, path) in operations {
        let concrete = path.replace(['{', '}'], "");
        let relative = concrete.strip_prefix("/api/v1").expect("every route is under /api/v1");
        let answer = app.call(method.clone(), relative, None, None).await;
        let unknown_route = answer.status == 404 && answer.text.contains("the API route");
        assert!(
            !unknown_route && answer.status != 405,
            "{method} {path} is documented but not served: {}",
            answer.text
        );
        assert!(answer.status.as_u16() < 500, "{method} {path}: {}", answer.text);
    }
}

/// The handler names passed to `routes!(..)` in the web module's source.
fn routed_handlers() -> BTreeSet<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut handlers = BTreeSet::new();
    for entry in std::fs::read_dir(folder).expect("reading src/web") {
        let source = std::fs::read_to_string(entry.expect("an entry").path()).expect("reading a source file");
        assert!(!source.contains(".route("), "add routes with routes!(..) so they are documented");
        for (_, rest) in source.match_indices("routes!(").map(|(at, _)| ((), &source[at + 8..])) {
            let list = &rest[..rest.find(')').expect("a closing parenthesis")];
            handlers.extend(list.split(',').map(|name| name.trim().to_owned()).filter(|name| !name.is_empty()));
        }
    }
    handlers
}

#[tokio::test]
async fn every_routed_handler_is_in_the_document_and_nothing_else_is() {
    let app = spawn_app().await;
    let document = app.call(Method::GET, "/openapi.json", None, None).await;
    let mut documented = BTreeSet::new();
    for item in document.body["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            documented.insert(operation["operationId"].as_str().expect("an operationId").to_owned());
        }
    }
    assert_eq!(documented, routed_handlers());
}

#[tokio::test]
async fn unknown_api_paths_and_wrong_methods_answer_json() {
    let app = spawn_app().await;
    let missing = app.call(Method::GET, "/no-such-thing", None, None).await;
    missing.expect(404);
    let wrong_method = app.call(Method::PUT, "/health", None, None).await;
    wrong_method.expect(405);
    assert_eq!(wrong_method.code(), "method_not_allowed");
}
