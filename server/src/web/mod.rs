//! The HTTP face of the server: the JSON API under `/api/v1` and the built app. `router(state)` is apart from
//! `main` so tests can drive it on port 0. Only this module knows HTTP; it asks `store` for data and `shared`
//! for decisions.
//!
//! Every API route is registered through `utoipa_axum::routes!`, which records it in the OpenAPI document as
//! it adds it to the router, so the document served at `/api/v1/openapi.json` lists exactly the routes served.

mod api_keys;
mod audit;
mod audit_alerts;
mod authenticate;
mod browser_guard;
mod client_address;
mod commissioning;
mod credential_cache;
mod devices;
mod error;
mod escalations;
mod events;
mod export_ceilings;
mod exports;
mod extract;
mod health;
mod idempotency;
mod input;
mod item_errors;
mod json_errors;
mod locations;
mod lookups;
mod openapi;
mod order_blocks;
mod order_labels;
mod orders;
mod partner_invitations;
mod partners;
mod pokes;
mod pool;
mod pool_assignments;
mod pool_extra;
mod pool_history;
mod principal;
mod product_settings;
mod products;
pub mod quota;
mod request_log;
mod retention;
mod scan;
mod sessions;
mod snapshot;
mod spreadsheet;
mod state;
mod static_app;
mod stored_json;
mod sync;
mod time_format;
mod unit_commands;
mod unit_registration;
mod units;
mod user_sessions;
mod users;
mod views;
mod words;

pub use error::{ApiError, ErrorBody};
pub use idempotency::request_hash as idempotency_request_hash;
pub use openapi::api_document;
pub use principal::SESSION_COOKIE;
pub use state::AppState;

use axum::Router;
use std::net::SocketAddr;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa_axum::router::OpenApiRouter;

/// The API routes with their OpenAPI description, before the state is attached.
pub fn api() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(sessions::router())
        .merge(api_keys::router())
        .merge(users::router())
        .merge(user_sessions::router())
        .merge(export_ceilings::router())
        .merge(products::router())
        .merge(locations::router())
        .merge(devices::router())
        .merge(partners::router())
        .merge(partner_invitations::router())
        .merge(pool::router())
        .merge(pool_assignments::router())
        .merge(pool_extra::router())
        .merge(pool_history::router())
        .merge(orders::router())
        .merge(order_blocks::router())
        .merge(order_labels::router())
        .merge(units::router())
        .merge(unit_registration::router())
        .merge(unit_commands::router())
        .merge(events::router())
        .merge(snapshot::router())
        .merge(sync::router())
        .merge(escalations::router())
        .merge(audit::router())
        .merge(audit_alerts::router())
        .merge(retention::router())
        .fallback(health::api_not_found);
    OpenApiRouter::with_openapi(openapi::base_document()).nest("/api/v1", v1)
}

/// The router as a service that knows each connection's peer address (for the sign-in limits per client):
/// what `axum::serve` runs.
pub fn service(state: AppState) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr> {
    router(state).into_make_service_with_connect_info::<SocketAddr>()
}

/// Gives each request room for its caller, whom the audit entries of its writes name (`store/audit/who.rs`).
async fn audit_scope(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    crate::store::audit::who::scope(next.run(request)).await
}

pub fn router(state: AppState) -> Router {
    let (api, _) = api().split_for_parts();
    let api = api.layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::layer));
    Router::new()
        .merge(api)
        .fallback_service(static_app::service(&state.app_dir))
        .layer(axum::middleware::map_response(json_errors::rewrite_plain_errors))
        .layer(axum::middleware::from_fn(browser_guard::guard))
        .layer(CatchPanicLayer::custom(json_errors::panic_response))
        .layer(axum::middleware::from_fn(request_log::log))
        .layer(axum::middleware::from_fn(audit_scope))
        .with_state(state)
}
