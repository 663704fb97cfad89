//! "The caller's … or 404": the lookups several routes begin with, written once.

use super::error::{ApiError, ApiResult};
use super::state::AppState;
use crate::store::{OrderRecord, ProductRecord, UserRecord};

/// The caller's product, or 404.
pub async fn find_product(state: &AppState, tenant: &str, product_id: &str) -> ApiResult<ProductRecord> {
    state.store.product(tenant, product_id).await?.ok_or_else(|| ApiError::NotFound("a product with this id".into()))
}

/// The caller's order, or 404.
pub async fn find_order(state: &AppState, tenant: &str, order_id: &str) -> ApiResult<OrderRecord> {
    state.store.order(tenant, order_id).await?.ok_or_else(|| ApiError::NotFound("an order with this id".into()))
}

/// A user of the caller's tenant, or 404.
pub async fn find_user(state: &AppState, tenant: &str, user_id: &str) -> ApiResult<UserRecord> {
    state.store.user(tenant, user_id).await?.ok_or_else(|| ApiError::NotFound("a user with this id".into()))
}

/// The 409 for work on a closed order.
pub fn order_closed() -> ApiError {
    ApiError::Conflict { code: "order_closed", message: "this order is closed: work on a released order".into() }
}
