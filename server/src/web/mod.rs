//! The HTTP face of the server: `router(state)` is apart from `main` so tests can drive it on port 0.

mod health;
mod static_app;

use axum::Router;
use std::path::PathBuf;
use tower_http::trace::TraceLayer;

#[derive(Debug, Clone)]
pub struct AppState {
    /// The database backend in use, reported by the health check.
    pub backend: &'static str,
    /// The folder of the built browser app.
    pub app_dir: PathBuf,
}

pub fn router(state: AppState) -> Router {
    let api = Router::new().route("/health", axum::routing::get(health::health_show)).fallback(health::api_not_found);
    Router::new()
        .nest("/api/v1", api)
        .fallback_service(static_app::service(&state.app_dir))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
