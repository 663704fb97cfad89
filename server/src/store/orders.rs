//! Packaging and printing orders: the pool serials each holds, the blocks devices reserve from them, and the
//! pool's operations as each serial's history.

use super::{
    NewOrder, OrderCountsRecord, OrderRecord, OrderSerialRecord, PoolActionRecord, PoolHoldRecord, PoolSerialRecord,
    StoreError,
};

/// How creating an order ended.
#[derive(Debug, Clone)]
pub enum OrderCreated {
    Created(Box<OrderRecord>),
    /// The pool had only this many available serials (nothing was changed).
    PoolShort {
        available: i64,
    },
}

/// How reserving a block ended.
#[derive(Debug, Clone)]
pub enum Reserved {
    /// The block, in serial order.
    Serials(Vec<String>),
    OrderClosed,
    /// Every serial of the order is reserved or commissioned.
    OrderExhausted,
    /// The device id belongs to another tenant.
    DeviceOfAnotherTenant,
}

/// Filters of the order list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter<'a> {
    pub product_id: Option<&'a str>,
    pub status: Option<&'a str>,
    /// Orders older than this one (ids grow with time).
    pub before_id: Option<&'a str>,
    pub limit: i64,
}

#[async_trait::async_trait]
pub trait OrderStore {
    /// Available serials of a product's pool.
    async fn pool_available(&self, tenant_id: &str, product_id: &str) -> Result<i64, StoreError>;
    /// In one transaction: adds `generated` serials to the pool, creates the order and assigns it the next
    /// `quantity` available serials — or changes nothing when the pool is short.
    async fn order_create(
        &self,
        tenant_id: &str,
        order: NewOrder,
        generated: &[String],
    ) -> Result<OrderCreated, StoreError>;
    async fn order(&self, tenant_id: &str, order_id: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// Newest first.
    async fn orders(&self, tenant_id: &str, filter: OrderFilter<'_>) -> Result<Vec<OrderRecord>, StoreError>;
    /// Assigned, reserved and commissioned serials of each of these orders (orders without serials are left out).
    async fn order_counts(&self, tenant_id: &str, order_ids: &[String]) -> Result<Vec<OrderCountsRecord>, StoreError>;
    /// The order's serials in serial order after `after`, with their device and unit status.
    async fn order_serials(
        &self,
        tenant_id: &str,
        order_id: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<OrderSerialRecord>, StoreError>;
    /// Reserves up to `count` of the order's free serials (neither reserved nor commissioned) to the device,
    /// creating the device row if new. Two devices reserving at once never get the same serial.
    async fn order_reserve(
        &self,
        tenant_id: &str,
        order_id: &str,
        device_id: &str,
        count: i64,
        actor: &str,
    ) -> Result<Reserved, StoreError>;
    /// Un-reserves the device's uncommissioned serials of the order (all, or those listed); returns how many.
    async fn order_return(
        &self,
        tenant_id: &str,
        order_id: &str,
        device_id: &str,
        serials: Option<&[String]>,
        actor: &str,
    ) -> Result<u64, StoreError>;
    /// Closes a released order: its uncommissioned, unreserved, non-external serials go back to available.
    /// Returns false (changing nothing) when the order was closed already.
    async fn order_close(&self, tenant_id: &str, order_id: &str, actor: &str) -> Result<bool, StoreError>;
    /// The pool rows of these serials of a product, with their order, device and whether they are units.
    async fn pool_holds(
        &self,
        tenant_id: &str,
        product_id: &str,
        serials: &[String],
    ) -> Result<Vec<PoolHoldRecord>, StoreError>;
    /// One pool serial with its unit id, and the actions that touched it, oldest first.
    async fn pool_serial(
        &self,
        tenant_id: &str,
        product_id: &str,
        serial: &str,
    ) -> Result<Option<(PoolSerialRecord, Vec<PoolActionRecord>)>, StoreError>;
}
