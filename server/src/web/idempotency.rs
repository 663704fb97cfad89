//! `Idempotency-Key`: one layer over every POST, PUT, PATCH and DELETE under /api/v1, so a machine may retry
//! any write after a timeout without doing it twice.
//!
//! The first answer below 500 is kept per (tenant, caller, key) with a SHA-256 of method, path and body; the
//! same request again gets that answer with `Idempotent-Replayed: true`; the same key with another request is
//! a 422, and one that arrives while the first still runs a 409. A 5xx, or a request cut off on the way, lets
//! the key go so a retry runs. Keys are kept 24 hours: an expired key is forgotten when it is used again, and
//! all expired keys at most once an hour.

use super::error::{ApiError, ApiResult};
use super::principal::Principal;
use super::state::AppState;
use crate::store::{now_millis, IdempotencyClaim, IdempotencyScope, Store, StoredAnswer};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The request header naming a retry-safe request.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The answer header saying a stored answer was replayed.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a key is kept, in milliseconds.
const KEPT_MILLIS: i64 = 24 * 60 * 60 * 1000;
/// How often all expired keys are swept, in milliseconds.
const SWEEP_EVERY_MILLIS: i64 = 60 * 60 * 1000;
/// The largest body a route takes (pool imports, unit registration); a larger one is a 413 here already.
const MAX_BODY_BYTES: usize = super::input::MAX_BODY_BYTES;
/// Marks an answer that holds a secret shown only once (a new API key): it is never kept, and a replay of the
/// request answers this 409 instead, saying what was made and what to do.
#[derive(Debug, Clone)]
pub struct Secret {
    code: &'static str,
    message: String,
}

impl Secret {
    pub fn new(code: &'static str, message: String) -> Self {
        Self { code, message }
    }

    /// What is kept in place of the answer.
    fn replacement(&self) -> (i64, String) {
        let body = serde_json::json!({ "code": self.code, "message": self.message });
        (i64::from(StatusCode::CONFLICT.as_u16()), body.to_string())
    }
}

impl IntoResponseParts for Secret {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}

/// The answer headers worth replaying.
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::CONTENT_DISPOSITION];

static LAST_SWEEP: AtomicI64 = AtomicI64::new(0);

/// The middleware: requests without the header, reads, and unauthenticated calls pass through untouched.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match run(state, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn run(state: AppState, request: Request, next: Next) -> ApiResult<Response> {
    let writes = [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(request.method());
    let Some(key) = request.headers().get(IDEMPOTENCY_KEY).filter(|_| writes) else {
        return Ok(next.run(request).await);
    };
    let key = valid_key(key)?;
    let (mut parts, body) = request.into_parts();
    let Ok(principal) = Principal::from_request_parts(&mut parts, &state).await else {
        // The route itself answers the 401 (or signs in): nothing to keep for nobody.
        return Ok(next.run(Request::from_parts(parts, body)).await);
    };
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::TooLarge(format!("send at most {} MB", MAX_BODY_BYTES / (1024 * 1024))))?;
    let path = parts.uri.path_and_query().map_or(parts.uri.path(), |path| path.as_str());
    let hash = request_hash(parts.method.as_str(), path, &body);
    sweep_now_and_then(&state.store);
    let claim = Claim { store: state.store.clone(), tenant_id: principal.tenant_id, principal_id: principal.id, key };
    match state.store.idempotency_claim(claim.scope(), &hash, now_millis() - KEPT_MILLIS).await? {
        IdempotencyClaim::Seen(stored) if stored.request_hash != hash => Err(ApiError::invalid(
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request: use a new key for a new request",
        )),
        IdempotencyClaim::Seen(StoredAnswer { status: None, .. }) => Err(ApiError::Conflict {
            code: "request_in_progress",
            message: "the first request with this Idempotency-Key is still running: retry in a moment".into(),
        }),
        IdempotencyClaim::Seen(stored) => Ok(replay(stored)),
        IdempotencyClaim::Claimed => {
            let guard = ReleaseOnDrop(Some(claim));
            let response = next.run(Request::from_parts(parts, Body::from(body))).await;
            keep(guard, response).await
        }
    }
}

/// 1 to 200 printable ASCII characters.
fn valid_key(value: &HeaderValue) -> ApiResult<String> {
    let text = value.to_str().ok().filter(|text| {
        (1..=200).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_graphic() || byte == b' ')
    });
    text.map(str::to_owned).ok_or_else(|| {
        ApiError::bad_request("invalid_idempotency_key", "an Idempotency-Key is 1 to 200 printable ASCII characters")
    })
}

/// What identifies a request: SHA-256 of method, path with query, and body, in hex.
pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let digest =
        Sha256::new().chain_update(method).chain_update([0]).chain_update(path).chain_update([0]).chain_update(body);
    digest.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A key this request holds.
struct Claim {
    store: Arc<dyn Store>,
    tenant_id: String,
    principal_id: String,
    key: String,
}

impl Claim {
    fn scope(&self) -> IdempotencyScope<'_> {
        IdempotencyScope { tenant_id: &self.tenant_id, principal_id: &self.principal_id, key: &self.key }
    }
}

/// Lets the key go unless its answer was kept: also when the handler panics or the client hangs up, which
/// drop the request's future.
struct ReleaseOnDrop(Option<Claim>);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        if let Some(claim) = self.0.take() {
            tokio::spawn(async move {
                if let Err(error) = claim.store.idempotency_release(claim.scope()).await {
                    tracing::warn!(%error, "could not let an idempotency key go; it expires in 24 hours");
                }
            });
        }
    }
}

/// Keeps an answer below 500 (with a text body) for replays, or a [`Secret`]'s stand-in; a 5xx lets the key go.
async fn keep(mut guard: ReleaseOnDrop, response: Response) -> ApiResult<Response> {
    if response.status().is_server_error() {
        return Ok(response);
    }
    if let Some(secret) = response.extensions().get::<Secret>() {
        let (status, body) = secret.replacement();
        let headers = serde_json::to_string(&[(header::CONTENT_TYPE.as_str(), "application/json")]).unwrap_or_default();
        if let Some(claim) = &guard.0 {
            match claim.store.idempotency_finish(claim.scope(), status, &headers, &body).await {
                Ok(()) => guard.0 = None,
                Err(error) => tracing::warn!(%error, "could not keep the stand-in for a secret answer"),
            }
        }
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|error| ApiError::Internal(format!("reading an answer to keep it: {error}")))?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(Response::from_parts(parts, Body::from(bytes)));
    };
    let headers: Vec<(&str, &str)> =
        KEPT_HEADERS.iter().filter_map(|name| Some((name.as_str(), parts.headers.get(name)?.to_str().ok()?))).collect();
    let headers = serde_json::to_string(&headers).unwrap_or_default();
    if let Some(claim) = &guard.0 {
        let status = i64::from(parts.status.as_u16());
        match claim.store.idempotency_finish(claim.scope(), status, &headers, text).await {
            Ok(()) => guard.0 = None,
            // The work is done: answer it; the key goes, and a retry would run again rather than stay stuck.
            Err(error) => tracing::warn!(%error, "could not keep an idempotent answer"),
        }
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// The stored answer again, marked as a replay.
fn replay(stored: StoredAnswer) -> Response {
    let status = stored.status.and_then(|status| StatusCode::from_u16(status as u16).ok()).unwrap_or(StatusCode::OK);
    let mut headers = HeaderMap::new();
    let kept: Vec<(String, String)> =
        stored.headers.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default();
    for (name, value) in kept {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    (status, headers, stored.body.unwrap_or_default()).into_response()
}

/// Forgets expired keys in the background, at most once an hour per server.
fn sweep_now_and_then(store: &Arc<dyn Store>) {
    let now = now_millis();
    let last = LAST_SWEEP.load(Ordering::Relaxed);
    if now - last < SWEEP_EVERY_MILLIS
        || LAST_SWEEP.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err()
    {
        return;
    }
    let store = store.clone();
    tokio::spawn(async move {
        if let Err(error) = store.idempotency_sweep(now - KEPT_MILLIS).await {
            tracing::warn!(%error, "sweeping expired idempotency keys failed; the next sweep tries again");
        }
    });
}
