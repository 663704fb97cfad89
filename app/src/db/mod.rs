//! The device's local store in IndexedDB (through `indexed_db_futures`). Every screen reads from here; the
//! sync and API modules fill it. Each operation is one transaction, so a crash never leaves half a change.

mod blocks;
mod replica_store;
mod schema;

pub use blocks::Commissioned;
pub use replica_store::{new_op_id, Extra, Step, META_CURSOR, META_DEVICE_ID, META_LOG_EPOCH, META_NEXT_DEVICE_SEQ};

use crate::model::{HistoryRecord, ProductRecord, UnitRecord};
use crate::replica_parts::{StoredUnit, UnitRow};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::rc::Rc;

pub use schema::SCHEMA_VERSION;
use schema::{META, PRODUCTS, UNITS};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    #[error("this browser refused local storage ({0}): leave private browsing, or free some disk space, then reload")]
    Unavailable(String),
    #[error("the device's data could not be read or written ({0}): reload the app; if it persists, sign out and in")]
    Failed(String),
}

impl From<indexed_db_futures::error::Error> for DbError {
    fn from(error: indexed_db_futures::error::Error) -> Self {
        DbError::Failed(error.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for DbError {
    fn from(error: indexed_db_futures::error::OpenDbError) -> Self {
        DbError::Unavailable(error.to_string())
    }
}

/// A handle to the device's database; cheap to clone.
#[derive(Clone)]
pub struct LocalDb {
    db: Rc<Database>,
}

impl LocalDb {
    pub async fn open(name: &str) -> Result<LocalDb, DbError> {
        Self::open_at(name, SCHEMA_VERSION).await
    }

    /// Opens at a given schema version: the app uses the newest; migration tests open older ones first.
    pub async fn open_at(name: &str, version: u32) -> Result<LocalDb, DbError> {
        let db = Database::open(name)
            .with_version(version)
            .with_on_upgrade_needed_fut(move |event, db| async move {
                let from = event.old_version() as u32;
                for step in from + 1..=version {
                    schema::upgrade(&db, step).await?;
                }
                Ok(())
            })
            .await?;
        Ok(LocalDb { db: Rc::new(db) })
    }

    /// Closes the connection (so a newer version can open it); other clones keep it open.
    pub fn close(self) {
        if let Ok(db) = Rc::try_unwrap(self.db) {
            db.close();
        }
    }

    /// Replaces every product in one transaction, so a refresh never leaves old and new mixed.
    pub async fn put_products(&self, products: &[ProductRecord]) -> Result<(), DbError> {
        let tx = self.db.transaction(PRODUCTS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(PRODUCTS)?;
        store.clear()?;
        for product in products {
            store.put(product).serde()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces one product (its counts after a pool action), so the screen shows them offline too.
    pub async fn put_product(&self, product: &ProductRecord) -> Result<(), DbError> {
        let tx = self.db.transaction(PRODUCTS).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(PRODUCTS)?.put(product).serde()?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn products(&self) -> Result<Vec<ProductRecord>, DbError> {
        let tx = self.db.transaction(PRODUCTS).build()?;
        let store = tx.object_store(PRODUCTS)?;
        let products: Vec<ProductRecord> = store.get_all().serde()?.await?.collect::<Result<_, _>>()?;
        Ok(products)
    }

    /// A unit as the screens show it.
    pub async fn unit(&self, key: &str) -> Result<Option<UnitRecord>, DbError> {
        Ok(self.stored_unit(key).await?.map(|stored| stored.shown))
    }

    /// A unit's history, newest first.
    pub async fn history(&self, unit_key: &str) -> Result<Vec<HistoryRecord>, DbError> {
        let mut lines = self.stored_unit(unit_key).await?.map(|stored| stored.history).unwrap_or_default();
        lines.reverse();
        Ok(lines)
    }

    async fn stored_unit(&self, key: &str) -> Result<Option<StoredUnit>, DbError> {
        let tx = self.db.transaction(UNITS).build()?;
        let row: Option<UnitRow> = tx.object_store(UNITS)?.get(key.to_owned()).serde()?.await?;
        row.map(|row| StoredUnit::from_row(&row)).transpose().map_err(replica_store::to_db)
    }

    pub async fn unit_count(&self) -> Result<u32, DbError> {
        let tx = self.db.transaction(UNITS).build()?;
        let store = tx.object_store(UNITS)?;
        Ok(store.count().await?)
    }

    /// A unit and more of its history in one transaction (lines it already has are replaced, not repeated).
    pub async fn put_unit_with_history(&self, unit: &UnitRecord, history: &[HistoryRecord]) -> Result<(), DbError> {
        let tx = self.db.transaction(UNITS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(UNITS)?;
        let row: Option<UnitRow> = store.get(unit.key.clone()).serde()?.await?;
        let held = row.map(|row| StoredUnit::from_row(&row)).transpose().map_err(replica_store::to_db)?;
        let mut stored = held.unwrap_or_else(|| StoredUnit::new(unit.clone()));
        stored.shown = unit.clone();
        stored.add_history(history.iter().cloned());
        store.put(stored.to_row()).serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Units new to the device (or none), written without reading anything first, with a meta value in the same
    /// relaxed transaction: the pages of filling "All units" (`sync::bootstrap`) and how far the fill got. A power
    /// cut may lose the last of these; the fill then goes on from an earlier page, never a later one.
    pub async fn put_units_with_meta<T: Serialize>(
        &self,
        units: Vec<StoredUnit>,
        meta_key: &str,
        meta_value: &T,
    ) -> Result<(), DbError> {
        let tx = self.db.transaction([UNITS, META]).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(UNITS)?;
        for unit in &units {
            store.put(unit.to_row()).serde()?;
        }
        tx.object_store(META)?.put(meta_value).with_key(meta_key.to_owned()).serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Settings and facts of the device (who is signed in, when data was refreshed). Written with strict
    /// durability: Chrome defaults to relaxed, which may lose the last writes on a power cut, and a tablet
    /// that forgets who signed in cannot open offline.
    pub async fn set_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), DbError> {
        let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
        let tx = self.db.transaction(META).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
        tx.object_store(META)?.put(value).with_key(key.to_owned()).serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets a meta value (relaxed: what is deleted here is only ever progress, written again if lost).
    pub async fn delete_meta(&self, key: &str) -> Result<(), DbError> {
        let tx = self.db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(META)?.delete(key.to_owned()).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, DbError> {
        let tx = self.db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        Ok(store.get(key.to_owned()).serde()?.await?)
    }

    /// Signing out clears the device: every store, in one transaction.
    pub async fn clear_all(&self) -> Result<(), DbError> {
        let names = schema::ALL_STORES;
        let tx = self.db.transaction(names).with_mode(TransactionMode::Readwrite).build()?;
        for name in names {
            tx.object_store(name)?.clear()?;
        }
        tx.commit().await?;
        Ok(())
    }
}
