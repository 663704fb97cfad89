//! The Retention tab's calls (docs/RETENTION.md, "The API"): the organisation's default policy, legal holds,
//! the dry run and runs, read and written as JSON fields through `send_json`.

use super::admin::records;
use super::{encode, send_json, ApiError};
use serde_json::Value;

/// `{"policy": RetentionPolicy, "is_default": bool}`.
pub async fn retention_policy() -> Result<Value, ApiError> {
    send_json("GET", "/api/v1/retention/policy", None).await
}

pub async fn save_retention_policy(policy: &Value) -> Result<Value, ApiError> {
    send_json("PUT", "/api/v1/retention/policy", Some(policy)).await
}

/// The standing holds, newest first; the lifted ones too with `lifted`.
pub async fn holds(lifted: bool) -> Result<Vec<Value>, ApiError> {
    let path = if lifted { "/api/v1/retention/holds?lifted=true" } else { "/api/v1/retention/holds" };
    Ok(records(send_json("GET", path, None).await?, "holds"))
}

pub async fn place_hold(body: &Value) -> Result<Value, ApiError> {
    send_json("POST", "/api/v1/retention/holds", Some(body)).await
}

pub async fn lift_hold(id: &str, body: &Value) -> Result<Value, ApiError> {
    send_json("POST", &format!("/api/v1/retention/holds/{}/lift", encode(id)), Some(body)).await
}

/// The dry run for a day (`YYYY-MM-DD`), or for the server's today.
pub async fn retention_plan(on: Option<&str>) -> Result<Value, ApiError> {
    let path = match on {
        Some(on) => format!("/api/v1/retention/plan?on={}", encode(on)),
        None => "/api/v1/retention/plan".to_owned(),
    };
    send_json("GET", &path, None).await
}

/// Queues a run; the answer is the new run, or the one already queued or running.
pub async fn queue_retention_run() -> Result<Value, ApiError> {
    send_json("POST", "/api/v1/retention/runs", None).await
}

/// The last 20 runs, newest first.
pub async fn retention_runs() -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", "/api/v1/retention/runs", None).await?, "runs"))
}
