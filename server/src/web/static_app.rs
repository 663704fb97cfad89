//! Serves the built browser app; any path that is not a file gets `index.html`, so app routes survive a reload.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

const NOT_BUILT: &str = "<!doctype html><html lang=en><title>serialtrack</title><body><h1>The app is not built</h1>\
<p>Run <code>scripts/run</code> (or <code>scripts/build-app</code>) and reload this page.</p></body></html>";

pub fn service(app_dir: &Path) -> axum::routing::MethodRouter {
    let index = app_dir.join("index.html");
    if index.is_file() {
        axum::routing::get_service(ServeDir::new(app_dir).precompressed_gzip().fallback(ServeFile::new(index)))
    } else {
        axum::routing::get(|| async { (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response() })
    }
}
