//! The line's data on the device: packaging orders, this tablet's serial block per order, and a unit's pool
//! status. Commissioning from the block is ONE strictly durable transaction over the block and the replica: the
//! serial leaves the block exactly when its `commission` op enters the outbox, so a crash or a reload never
//! loses a unit nor commissions a serial twice.

use super::replica_store::{load, save, to_db, Extra, Scope, REPLICA_STORES};
use super::schema::{BLOCKS, ORDERS, POOL_SERIALS};
use super::{DbError, LocalDb};
use crate::line_work::{BlockRecord, OrderRecord};
use crate::model::UnitRecord;
use crate::pool_history::PoolSerialRecord;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serialtrack_shared::sync::DeviceReplica;

/// A serial taken out of the block and commissioned: what the line screen shows next.
#[derive(Debug, Clone)]
pub struct Commissioned<R> {
    pub serial: String,
    pub block: BlockRecord,
    pub value: R,
}

impl LocalDb {
    /// Replaces the orders the device holds with the server's list, in one transaction.
    pub async fn put_orders(&self, orders: &[OrderRecord]) -> Result<(), DbError> {
        let tx = self.db.transaction(ORDERS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(ORDERS)?;
        store.clear()?;
        for order in orders {
            store.put(order).serde()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The orders the device holds, newest first (as the server listed them, by creation time).
    pub async fn orders(&self) -> Result<Vec<OrderRecord>, DbError> {
        let tx = self.db.transaction(ORDERS).build()?;
        let mut orders: Vec<OrderRecord> =
            tx.object_store(ORDERS)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
        orders.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        Ok(orders)
    }

    /// This tablet's block for an order (empty when none was reserved).
    pub async fn block(&self, order_id: &str) -> Result<BlockRecord, DbError> {
        let tx = self.db.transaction(BLOCKS).build()?;
        let stored: Option<BlockRecord> = tx.object_store(BLOCKS)?.get(order_id.to_owned()).serde()?.await?;
        Ok(stored.unwrap_or_else(|| BlockRecord::new(order_id)))
    }

    /// Changes the block of an order (serials reserved or returned), strictly durable: the server already
    /// counts them as this device's.
    pub async fn update_block(
        &self,
        order_id: &str,
        change: impl FnOnce(&mut BlockRecord),
    ) -> Result<BlockRecord, DbError> {
        let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
        let tx = self.db.transaction(BLOCKS).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
        let store = tx.object_store(BLOCKS)?;
        let stored: Option<BlockRecord> = store.get(order_id.to_owned()).serde()?.await?;
        let mut block = stored.unwrap_or_else(|| BlockRecord::new(order_id));
        change(&mut block);
        store.put(&block).serde()?;
        tx.commit().await?;
        Ok(block)
    }

    /// Takes `wanted` (or the next serial) out of the order's block and lets `record` queue its `commission`
    /// op on the replica (it sees the block with the serial already taken) — one strictly durable transaction; a refusal by either rolls back both.
    /// The replica holds only the new unit's entries: a tablet that has commissioned for hours offline takes
    /// each unit as fast as the first.
    pub async fn commission_from_block<R>(
        &self,
        order: &OrderRecord,
        wanted: Option<&str>,
        record: impl FnOnce(&mut DeviceReplica, &BlockRecord, &str) -> Result<R, String>,
    ) -> Result<Result<Commissioned<R>, String>, DbError> {
        let gtin = match order.unit_gtin() {
            Ok(gtin) => gtin,
            Err(message) => return Ok(Err(message)),
        };
        let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
        let stores: Vec<&str> = REPLICA_STORES.iter().copied().chain([BLOCKS]).collect();
        let tx = self.db.transaction(stores).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
        let blocks = tx.object_store(BLOCKS)?;
        let stored: Option<BlockRecord> = blocks.get(order.id.clone()).serde()?.await?;
        let mut block = stored.unwrap_or_else(|| BlockRecord::new(&order.id));
        let serial = match block.take(wanted) {
            Ok(serial) => serial,
            Err(message) => {
                tx.abort().await?;
                return Ok(Err(message));
            }
        };
        let keys = vec![UnitRecord::key_for(gtin, &serial)];
        let (loaded, held) = load(&tx, &keys, true, Scope::TheseUnits, None).await?;
        let mut replica = loaded.assemble().map_err(to_db)?;
        let value = match record(&mut replica, &block, &serial) {
            Ok(value) => value,
            Err(message) => {
                tx.abort().await?;
                return Ok(Err(message));
            }
        };
        let extra = Extra { product_name: Some(order.product_name.clone()), ..Extra::default() };
        save(&tx, &replica, &loaded, &held, &keys, &extra).await?;
        blocks.put(&block).serde()?;
        tx.commit().await?;
        Ok(Ok(Commissioned { serial, block, value }))
    }

    pub async fn put_pool_serial(&self, record: &PoolSerialRecord) -> Result<(), DbError> {
        let tx = self.db.transaction(POOL_SERIALS).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(POOL_SERIALS)?.put(record).serde()?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn pool_serial(&self, unit_key: &str) -> Result<Option<PoolSerialRecord>, DbError> {
        let tx = self.db.transaction(POOL_SERIALS).build()?;
        Ok(tx.object_store(POOL_SERIALS)?.get(unit_key.to_owned()).serde()?.await?)
    }
}
