//! `GET /api/v1/health`: is the server up, which version, which database.

use super::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    database: &'static str,
}

pub async fn health_show(State(state): State<AppState>) -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), database: state.backend })
}

/// Unknown API paths answer JSON, not the app's `index.html`, so a machine client sees its mistake.
pub async fn api_not_found(
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> impl axum::response::IntoResponse {
    let body = serde_json::json!({
        "code": "not_found",
        "message": format!("there is no API route {}: see /api/v1/openapi.json for the routes", uri.path()),
    });
    (axum::http::StatusCode::NOT_FOUND, Json(body))
}
