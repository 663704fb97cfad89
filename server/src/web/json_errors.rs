//! The last guard of the error shape: errors axum or tower make themselves (a 405 for a known path with the
//! wrong method, a panic) get our `{"code", "message"}` body too.

use super::error::{ApiError, ErrorBody};
use axum::body::Body;
use axum::http::{header, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Json;

/// Rewrites a 405 without a body into a JSON error naming the methods the path takes.
pub async fn rewrite_plain_errors(response: Response<Body>) -> Response<Body> {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED || response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).and_then(|value| value.to_str().ok()).unwrap_or("").to_owned();
    let body = ErrorBody {
        code: "method_not_allowed".into(),
        message: format!("this route takes only {allow}: see /api/v1/openapi.json"),
        unit: None,
        errors: Vec::new(),
        error_count: None,
    };
    let mut rewritten = (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response();
    if let Ok(value) = allow.parse() {
        rewritten.headers_mut().insert(header::ALLOW, value);
    }
    rewritten
}

/// A panic is a bug: log it and answer the generic 500.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_default();
    ApiError::Internal(format!("panic: {detail}")).into_response()
}
