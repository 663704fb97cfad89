//! `GET /api/v1/health`: is the server up, which version, which database.

use super::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health_show))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    status: &'static str,
    version: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
}

/// Is the server up? Needs no credentials.
#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Health)))]
pub async fn health_show(State(state): State<AppState>) -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), database: state.store.backend_name() })
}

/// Unknown API paths answer JSON, not the app's `index.html`, so a machine client sees its mistake.
pub async fn api_not_found(
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> impl axum::response::IntoResponse {
    super::ApiError::NotFound(format!("the API route {} (see /api/v1/openapi.json for the routes)", uri.path()))
}
