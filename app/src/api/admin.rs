//! The administration screens' calls: locations, API keys, partners' limits and products, read and written as
//! JSON fields through `send_json`.

use super::{encode, send_json, ApiError};
use serde_json::Value;

/// The records under `field` of a list answer (`{"locations": [...]}`).
fn records(answer: Value, field: &str) -> Vec<Value> {
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
