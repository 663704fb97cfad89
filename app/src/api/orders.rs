//! The line's calls: packaging orders, reserving and returning this tablet's serial block, and a serial's
//! pool history (contract 6, "Orders").

use super::{encode, get, post, ApiError};
use crate::line_work::OrderRecord;
use crate::pool_history::PoolSerialRecord;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct OrderList {
    orders: Vec<OrderRecord>,
}

/// The released packaging orders, newest first.
pub async fn packaging_orders() -> Result<Vec<OrderRecord>, ApiError> {
    let list: OrderList = get("/api/v1/orders?status=released&limit=200").await?;
    Ok(list.orders.into_iter().filter(|order| order.kind == "packaging").collect())
}

pub async fn order(order_id: &str) -> Result<OrderRecord, ApiError> {
    get(&format!("/api/v1/orders/{}", encode(order_id))).await
}

#[derive(Serialize)]
struct ReserveBody<'a> {
    device_id: &'a str,
    count: u32,
}

#[derive(Deserialize)]
struct Reserved {
    serials: Vec<String>,
}

/// Reserves `count` more of the order's serials to this device; the server's blocks never overlap.
pub async fn reserve(order_id: &str, device_id: &str, count: u32) -> Result<Vec<String>, ApiError> {
    let path = format!("/api/v1/orders/{}/reserve", encode(order_id));
    let reserved: Reserved = post(&path, &ReserveBody { device_id, count }).await?;
    Ok(reserved.serials)
}

#[derive(Serialize)]
struct ReturnBody<'a> {
    device_id: &'a str,
    serials: &'a [String],
}

#[derive(Deserialize)]
struct Returned {
    returned: u64,
}

/// Gives the listed uncommissioned serials of this device back to the order.
pub async fn return_serials(order_id: &str, device_id: &str, serials: &[String]) -> Result<u64, ApiError> {
    let path = format!("/api/v1/orders/{}/return", encode(order_id));
    let returned: Returned = post(&path, &ReturnBody { device_id, serials }).await?;
    Ok(returned.returned)
}

/// A serial's pool status and history, or `None` when the product's pool does not hold it.
pub async fn pool_serial(product_id: &str, serial: &str) -> Result<Option<PoolSerialRecord>, ApiError> {
    let path = format!("/api/v1/products/{}/pool/serials/{}", encode(product_id), encode(serial));
    match get(&path).await {
        Ok(record) => Ok(Some(record)),
        Err(ApiError::Refused { status: 404, .. }) => Ok(None),
        Err(error) => Err(error),
    }
}
