//! The HTTP face of the server: the JSON API under `/api/v1` and the built app. `router(state)` is apart from
//! `main` so tests can drive it on port 0. Only this module knows HTTP; it asks `store` for data and `shared`
//! for decisions.
//!
//! Every API route is registered through `utoipa_axum::routes!`, which records it in the OpenAPI document as
//! it adds it to the router, so the document served at `/api/v1/openapi.json` lists exactly the routes served.

mod api_keys;
mod credential_cache;
mod devices;
mod error;
mod escalations;
mod events;
mod extract;
mod health;
mod idempotency;
mod json_errors;
mod locations;
mod openapi;
mod order_blocks;
mod order_labels;
mod orders;
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
mod scan;
mod sessions;
mod snapshot;
mod static_app;
mod stored_json;
mod sync;
mod time_format;
mod unit_commands;
mod unit_registration;
mod units;

pub use error::{ApiError, ErrorBody};
pub use idempotency::request_hash as idempotency_request_hash;
pub use openapi::api_document;
pub use principal::SESSION_COOKIE;

use crate::auth::{PasswordCost, SignInLimiter};
use crate::store::Store;
use axum::Router;
use credential_cache::CredentialCache;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The folder of the built browser app.
    pub app_dir: PathBuf,
    /// How expensive new password hashes are.
    pub password_cost: PasswordCost,
    pub sign_in_limiter: Arc<SignInLimiter>,
    credentials: Arc<CredentialCache>,
    /// Tells open `/sync/poke` streams that a tenant's log grew.
    pub pokes: pokes::Pokes,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, app_dir: PathBuf) -> Self {
        Self {
            store,
            app_dir,
            password_cost: PasswordCost::Standard,
            sign_in_limiter: Arc::new(SignInLimiter::default()),
            credentials: Arc::new(CredentialCache::new(Duration::from_secs(5))),
            pokes: pokes::Pokes::default(),
        }
    }
}

/// The API routes with their OpenAPI description, before the state is attached.
pub fn api() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(sessions::router())
        .merge(api_keys::router())
        .merge(products::router())
        .merge(locations::router())
        .merge(devices::router())
        .merge(partners::router())
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
        .fallback(health::api_not_found);
    OpenApiRouter::with_openapi(openapi::base_document()).nest("/api/v1", v1)
}

pub fn router(state: AppState) -> Router {
    let (api, _) = api().split_for_parts();
    let api = api.layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::layer));
    Router::new()
        .merge(api)
        .fallback_service(static_app::service(&state.app_dir))
        .layer(axum::middleware::map_response(json_errors::rewrite_plain_errors))
        .layer(CatchPanicLayer::custom(json_errors::panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
