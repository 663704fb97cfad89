//! The OpenAPI document and the router describe the same routes, and the document itself holds: every `$ref`
//! resolves, parameters are where they are declared, bodies have schemas, and an OpenAPI 3.1 validator from PyPI
//! (installed into `tools/venv` by `scripts/setup test`) accepts it.

use crate::helpers::spawn_app;
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

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

async fn served_document() -> Value {
    spawn_app().await.call(Method::GET, "/openapi.json", None, None).await.body
}

/// Every operation of the document as (method, path, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let paths = document["paths"].as_object().expect("paths in the OpenAPI document");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("a path item") {
            operations.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    operations
}

/// Every `$ref` in a JSON value.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get("$ref") {
                found.push(target.clone());
            }
            object.values().for_each(|value| refs(value, found));
        }
        Value::Array(items) => items.iter().for_each(|value| refs(value, found)),
        _ => {}
    }
}

fn unresolved_refs(document: &Value) -> Vec<String> {
    let mut found = Vec::new();
    refs(document, &mut found);
    found.retain(|target| target.strip_prefix('#').and_then(|pointer| document.pointer(pointer)).is_none());
    found
}

#[tokio::test]
async fn every_ref_resolves() {
    let document = served_document().await;
    assert_eq!(unresolved_refs(&document), Vec::<String>::new());
    let mut broken = document.clone();
    broken["components"]["schemas"].as_object_mut().unwrap().remove("ErrorBody");
    assert!(!unresolved_refs(&broken).is_empty(), "the check sees a missing schema");
}

#[tokio::test]
async fn path_parameters_are_the_path_s_and_query_parameters_are_in_the_query() {
    let document = served_document().await;
    for (method, path, operation) in operations(&document) {
        let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
        let declared: BTreeSet<String> = parameters
            .iter()
            .filter(|parameter| parameter["in"] == "path")
            .map(|parameter| parameter["name"].as_str().expect("a parameter name").to_owned())
            .collect();
        let in_template: BTreeSet<String> =
            path.split('/').filter_map(|part| part.strip_prefix('{')?.strip_suffix('}')).map(str::to_owned).collect();
        assert_eq!(declared, in_template, "{method} {path}: path parameters");
        for parameter in &parameters {
            assert!(matches!(parameter["in"].as_str(), Some("path" | "query")), "{method} {path}: {parameter}");
        }
    }
}

/// Every integer a client sends has the bounds the server takes, so a client never sends what the server
/// cannot read, and no bound claims `int32` for more than an int32 holds.
#[tokio::test]
async fn integers_in_requests_have_their_bounds() {
    let document = served_document().await;
    let mut parameters = Vec::new();
    for (method, path, operation) in operations(&document) {
        for parameter in operation["parameters"].as_array().cloned().unwrap_or_default() {
            parameters.push((format!("{method} {path} {}", parameter["name"]), parameter["schema"].clone()));
        }
    }
    let mut properties = Vec::new();
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        collect_properties(name, schema, &mut properties);
    }
    let is_integer = |schema: &Value| {
        let types = schema["type"].as_array().cloned().unwrap_or_else(|| vec![schema["type"].clone()]);
        types.contains(&Value::from("integer"))
    };
    let integer_parameters: Vec<_> = parameters.into_iter().filter(|(_, schema)| is_integer(schema)).collect();
    let integer_properties: Vec<_> = properties.into_iter().filter(|(_, schema)| is_integer(schema)).collect();
    assert!(integer_parameters.len() > 10 && integer_properties.len() > 20, "integers are missed");
    for (name, schema) in &integer_parameters {
        assert!(schema["minimum"].is_number() && schema["maximum"].is_number(), "{name} has no bounds: {schema}");
    }
    for (name, schema) in integer_parameters.iter().chain(&integer_properties) {
        let maximum = schema["maximum"].as_f64();
        if schema["format"] == "int32" {
            assert!(maximum.is_some_and(|maximum| maximum <= f64::from(i32::MAX)), "{name} is no int32: {schema}");
        }
    }
}

/// The properties of a component schema and of the schemas inside it, named `Schema.property`.
fn collect_properties(name: &str, schema: &Value, found: &mut Vec<(String, Value)>) {
    if let Some(properties) = schema["properties"].as_object() {
        for (property, value) in properties {
            found.push((format!("{name}.{property}"), value.clone()));
            collect_properties(name, value, found);
        }
    }
    for combined in ["oneOf", "allOf", "anyOf"] {
        for item in schema[combined].as_array().into_iter().flatten() {
            collect_properties(name, item, found);
        }
    }
}

/// The JSON bodies an operation takes and answers, as (what, schema).
fn json_bodies(operation: &Value) -> Vec<(String, Value)> {
    let mut bodies = Vec::new();
    if let Some(schema) = operation["requestBody"]["content"].get("application/json").map(|json| &json["schema"]) {
        bodies.push(("request".to_owned(), schema.clone()));
    }
    for (status, answer) in operation["responses"].as_object().expect("responses") {
        if let Some(json) = answer["content"].get("application/json") {
            bodies.push((status.clone(), json["schema"].clone()));
        }
    }
    bodies
}

#[tokio::test]
async fn every_json_body_is_a_named_schema_and_every_4xx_an_error_body() {
    let document = served_document().await;
    for (method, path, operation) in operations(&document) {
        if path.ends_with("/openapi.json") {
            continue;
        }
        for (what, schema) in json_bodies(&operation) {
            let target = schema["$ref"].as_str().unwrap_or_default();
            assert!(target.starts_with("#/components/schemas/"), "{method} {path} {what}: a bare schema {schema}");
        }
        for (status, answer) in operation["responses"].as_object().unwrap() {
            if status.starts_with('4') {
                let schema = &answer["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
        }
    }
}

/// `tools/venv/bin/openapi-spec-validator` on a document: its verdict and what it said.
fn validate(document: &Value) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the repository").to_owned();
    let validator: PathBuf = root.join("tools/venv/bin/openapi-spec-validator");
    assert!(validator.exists(), "{} is missing: run `scripts/setup test`", validator.display());
    let file = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(file.path(), serde_json::to_vec(document).unwrap()).expect("writing the document");
    let output = Command::new(&validator).arg(file.path()).output().expect("running openapi-spec-validator");
    let said = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), said)
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let document = served_document().await;
    assert!(document["openapi"].as_str().is_some_and(|version| version.starts_with("3.1.")), "{}", document["openapi"]);
    let (valid, said) = validate(&document);
    assert!(valid, "openapi-spec-validator refuses the document: {said}");

    let mut broken = document.clone();
    let events = &mut broken["paths"]["/api/v1/events"]["get"]["parameters"][0]["in"];
    assert_eq!(events, "query", "the parameter this probe moves");
    *events = "path".into();
    let (valid, said) = validate(&broken);
    assert!(!valid, "a query parameter declared in the path is refused: {said}");
}
