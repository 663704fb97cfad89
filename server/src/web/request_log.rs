//! One span per request, with the fields a support person searches by: `tenant.id` (set when the caller is
//! known), `unit.id`, `op.id` and `device.id` (set by the routes that have them), the answer's `status` and
//! `duration_ms`. Every 5xx is logged here, once, with its cause (which `ApiError` hands over as an
//! [`ErrorCause`] on the answer, never in its body), so the log of one failed push names its op ids.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::field::Empty;
use tracing::Instrument;

/// Why an answer is a 5xx, for the log only.
#[derive(Debug, Clone)]
pub struct ErrorCause(pub String);

pub async fn log(request: Request, next: Next) -> Response {
    let span = tracing::info_span!(
        "request",
        http.method = %request.method(),
        http.path = %request.uri().path(),
        tenant.id = Empty,
        unit.id = Empty,
        op.id = Empty,
        device.id = Empty,
        status = Empty,
        duration_ms = Empty,
    );
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    span.record("status", status.as_u16());
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    let cause = response.extensions().get::<ErrorCause>().map_or("", |cause| cause.0.as_str());
    if status.is_server_error() {
        tracing::error!(parent: &span, error.cause = %cause, "answered {status}");
    } else {
        tracing::debug!(parent: &span, "answered {status}");
    }
    response
}

/// Names a field of the request's span from inside a route (`unit.id`, `op.id`, `device.id`, `tenant.id`).
pub fn note(field: &'static str, value: &str) {
    tracing::Span::current().record(field, value);
}
