//! The OpenAPI document, generated from the handlers' annotations and served at `/api/v1/openapi.json`.

use super::error::ErrorBody;
use super::state::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::LazyLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "serialtrack API",
        description = "Serial numbers and serialized units: products, the serial pool, units, their commands and \
                       the tenant's event log. JSON in and out, snake_case; every error is {\"code\", \"message\"}."
    ),
    components(schemas(ErrorBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "health"), (name = "sessions", description = "Sign in and out; who am I"),
        (name = "api_keys", description = "Keys for machines"),
        (name = "users", description = "The organisation's people: roles, disabling, passwords, sessions"), (name = "products"), (name = "locations"), (name = "devices"),
        (name = "pool", description = "The serial number pool"),
        (name = "orders", description = "Packaging and printing orders, device blocks, commissioning"), (name = "units"), (name = "events"),
        (name = "sync", description = "How devices fill themselves for offline work and catch up"),
        (name = "audit", description = "The audit trail: every write, who, when and why; its export, its check and its alerts"),
        (name = "exports", description = "How many serials each role may export per day, and how often an order's labels may be downloaded")
    )
)]
struct BaseDocument;

/// The session cookie (people) and bearer API keys (machines).
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(super::SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn base_document() -> utoipa::openapi::OpenApi {
    BaseDocument::openapi()
}

/// The whole document, built once from the same router the server serves.
pub fn api_document() -> &'static str {
    static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
        let document = serde_json::to_value(super::api().into_openapi()).map(|mut document| {
            serial_lists_are_sets(&mut document);
            document
        });
        document
            .and_then(|document| serde_json::to_string_pretty(&document))
            .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
    });
    &DOCUMENT
}

/// Every list of serials is a set: each route refuses a list that names a serial twice. (utoipa's attributes
/// have no `uniqueItems`.)
fn serial_lists_are_sets(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(object) => {
            if object.get("items").and_then(|items| items.get("$ref")) == Some(&"#/components/schemas/Serial".into()) {
                object.insert("uniqueItems".into(), true.into());
            }
            object.values_mut().for_each(serial_lists_are_sets);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(serial_lists_are_sets),
        _ => {}
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_show))
}

/// This document. Needs no credentials.
#[utoipa::path(get, path = "/openapi.json", tag = "health", responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi_show() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], api_document())
}

/// The errors any authenticated route may answer, listed once for every path.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum CommonErrors {
    /// Malformed JSON or a bad query or path parameter.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No valid session cookie or API key.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The caller's role may not do this.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Nothing of the caller's tenant has this id.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// A body larger than the route accepts.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not `application/json`.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// A value is invalid; the message says which and why.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// The database is busy; retry.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The answer of a route that hands out serials when its caller's export ceiling of the day is reached
/// (docs/DATA_PROTECTION.md).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ExportCeiling {
    /// The caller exported as many serials today as its ceiling allows; nothing was sent. `Retry-After` says
    /// when the UTC day ends.
    #[response(status = 429)]
    Reached(ErrorBody),
}
