//! The pool screen's calls: generate, import, assign (to a printing order or a partner), release, and the
//! brand owner's partners. A refusal of a list taken whole keeps the items it names.

use super::{get, post, post_listing, post_once, ApiError, ListedError};
use crate::pool_actions::PrintingOrder;
use serde::Deserialize;
use serialtrack_shared::ids::Serial;

fn pool_path(product_id: &str, action: &str) -> String {
    format!("/api/v1/products/{}/pool/{action}", super::encode(product_id))
}

#[derive(Deserialize)]
struct Added {
    added: u64,
}

/// Generates `count` serials into the product's pool; how many were added. A retry with the same
/// `idempotency_key` gets the first answer again instead of generating twice.
pub async fn pool_generate(product_id: &str, count: u32, idempotency_key: &str) -> Result<u64, ApiError> {
    let body = serde_json::json!({ "count": count });
    let added: Added = post_once(&pool_path(product_id, "generate"), idempotency_key, &body).await?;
    Ok(added.added)
}

/// Imports a list checked on the device; the server takes it whole or lists what it refuses.
pub async fn pool_import(product_id: &str, serials: &[Serial]) -> Result<u64, ListedError> {
    let body = serde_json::json!({ "serials": serials });
    let added: Added = post_listing(&pool_path(product_id, "import"), &body).await?;
    Ok(added.added)
}

#[derive(Deserialize)]
struct Assigned {
    serials: Vec<String>,
}

/// Assigns `count` available serials to a partner, which then finds them available in its own pool.
pub async fn pool_assign_to_partner(product_id: &str, count: u32, partner: &Partner) -> Result<u64, ApiError> {
    let body = serde_json::json!({
        "count": count,
        "assigned_to": format!("partner: {}", partner.name),
        "partner_tenant_id": partner.id,
    });
    let assigned: Assigned = post(&pool_path(product_id, "assign"), &body).await?;
    Ok(assigned.serials.len() as u64)
}

#[derive(Deserialize)]
struct Released {
    released: u64,
}

/// Sets assigned serials back to Available, all or none; a refusal names each serial and why.
pub async fn pool_release(product_id: &str, serials: &[Serial]) -> Result<u64, ListedError> {
    let released: Released =
        post_listing(&pool_path(product_id, "release"), &serde_json::json!({ "serials": serials })).await?;
    Ok(released.released)
}

/// A printing order as created: its labels are downloaded from [`labels_csv_url`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderCreated {
    pub id: String,
    pub quantity: u64,
}

/// Creates a printing order, which assigns `quantity` serials of the product's pool to it.
pub async fn create_printing_order(product_id: &str, order: &PrintingOrder) -> Result<OrderCreated, ApiError> {
    let body = serde_json::json!({
        "kind": "printing",
        "product_id": product_id,
        "lot": order.lot,
        "expiry": order.expiry,
        "quantity": order.quantity,
    });
    post("/api/v1/orders", &body).await
}

pub fn labels_csv_url(order_id: &str) -> String {
    format!("/api/v1/orders/{}/labels.csv", super::encode(order_id))
}

/// A partner tenant (a CMO) of the brand owner.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Partner {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
struct Partners {
    partners: Vec<Partner>,
}

/// The brand owner's partners, or `None` when this server lists none (no such route): the screen then asks for
/// the partner's tenant id instead.
pub async fn partners() -> Result<Option<Vec<Partner>>, ApiError> {
    match get::<Partners>("/api/v1/partners").await {
        Ok(list) => Ok(Some(list.partners)),
        Err(ApiError::Refused { status: 404 | 405, .. }) => Ok(None),
        Err(error) => Err(error),
    }
}
