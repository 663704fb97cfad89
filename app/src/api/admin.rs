//! The administration screens' calls: locations, API keys, partners' limits and products, read and written as
//! JSON fields through `send_json`.

use super::{encode, send_json, ApiError};
use serde_json::Value;

/// The records under `field` of a list answer (`{"locations": [...]}`).
pub(super) fn records(answer: Value, field: &str) -> Vec<Value> {
    match answer {
        Value::Object(mut object) => match object.remove(field) {
            Some(Value::Array(records)) => records,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

pub async fn locations() -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", "/api/v1/locations", None).await?, "locations"))
}

pub async fn save_location(id: Option<&str>, body: &Value) -> Result<Value, ApiError> {
    match id {
        Some(id) => send_json("PATCH", &format!("/api/v1/locations/{}", encode(id)), Some(body)).await,
        None => send_json("POST", "/api/v1/locations", Some(body)).await,
    }
}

pub async fn api_keys() -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", "/api/v1/api_keys", None).await?, "api_keys"))
}

/// Makes a key; the answer holds the key itself, shown this once.
pub async fn create_api_key(body: &Value) -> Result<Value, ApiError> {
    send_json("POST", "/api/v1/api_keys", Some(body)).await
}

pub async fn update_api_key(id: &str, body: &Value) -> Result<Value, ApiError> {
    send_json("PATCH", &format!("/api/v1/api_keys/{}", encode(id)), Some(body)).await
}

pub async fn revoke_api_key(id: &str) -> Result<(), ApiError> {
    send_json("DELETE", &format!("/api/v1/api_keys/{}", encode(id)), None).await.map(drop)
}

pub async fn partner_list() -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", "/api/v1/partners", None).await?, "partners"))
}

pub async fn set_partner_limit(id: &str, max_serials_per_request: u64) -> Result<Value, ApiError> {
    let body = serde_json::json!({ "max_serials_per_request": max_serials_per_request });
    send_json("PATCH", &format!("/api/v1/partners/{}", encode(id)), Some(&body)).await
}

pub async fn save_product(id: Option<&str>, body: &Value) -> Result<Value, ApiError> {
    match id {
        Some(id) => send_json("PATCH", &format!("/api/v1/products/{}", encode(id)), Some(body)).await,
        None => send_json("POST", "/api/v1/products", Some(body)).await,
    }
}

/// The data-protection settings: ceilings per role, label downloads per order, alert thresholds.
pub async fn export_ceilings() -> Result<Value, ApiError> {
    send_json("GET", "/api/v1/export_ceilings", None).await
}

pub async fn save_export_ceilings(body: &Value) -> Result<Value, ApiError> {
    send_json("PATCH", "/api/v1/export_ceilings", Some(body)).await
}

/// What the audit trail raises from the last hour: big exports, many failed sign-ins.
pub async fn audit_alerts() -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", "/api/v1/audit/alerts", None).await?, "alerts"))
}

pub async fn users() -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", "/api/v1/users", None).await?, "users"))
}

pub async fn create_user(body: &Value) -> Result<Value, ApiError> {
    send_json("POST", "/api/v1/users", Some(body)).await
}

pub async fn update_user(id: &str, body: &Value) -> Result<Value, ApiError> {
    send_json("PATCH", &format!("/api/v1/users/{}", encode(id)), Some(body)).await
}

/// Sets a person's password; the server signs them out everywhere.
pub async fn set_user_password(id: &str, password: &str) -> Result<(), ApiError> {
    let body = serde_json::json!({ "password": password });
    send_json("POST", &format!("/api/v1/users/{}/password", encode(id)), Some(&body)).await.map(drop)
}

pub async fn user_sessions(id: &str) -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", &format!("/api/v1/users/{}/sessions", encode(id)), None).await?, "sessions"))
}

pub async fn end_session(user_id: &str, session_id: &str) -> Result<(), ApiError> {
    let path = format!("/api/v1/users/{}/sessions/{}", encode(user_id), encode(session_id));
    send_json("DELETE", &path, None).await.map(drop)
}

/// Who is signed in and their organisation (`tenant.id`, `tenant.kind`), as the partners tab shows it.
pub async fn me() -> Result<Value, ApiError> {
    send_json("GET", "/api/v1/me", None).await
}

pub async fn invitations() -> Result<Vec<Value>, ApiError> {
    Ok(records(send_json("GET", "/api/v1/partners/invitations", None).await?, "invitations"))
}

/// Invites a contract manufacturer, named by its organisation id, into a partnership.
pub async fn invite_partner(partner_tenant_id: &str) -> Result<Value, ApiError> {
    let body = serde_json::json!({ "partner_tenant_id": partner_tenant_id });
    send_json("POST", "/api/v1/partners/invitations", Some(&body)).await
}

pub async fn accept_invitation(id: &str) -> Result<Value, ApiError> {
    send_json("POST", &format!("/api/v1/partners/invitations/{}/accept", encode(id)), None).await
}

/// Withdraws an invitation this organisation sent, or declines one it received.
pub async fn drop_invitation(id: &str) -> Result<(), ApiError> {
    send_json("DELETE", &format!("/api/v1/partners/invitations/{}", encode(id)), None).await.map(drop)
}
