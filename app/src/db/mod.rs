//! The device's local store in IndexedDB (through `indexed_db_futures`). Every screen reads from here; the
//! sync and API modules fill it. Each operation is one transaction, so a crash never leaves half a change.

mod blocks;
mod replica_store;
mod schema;

pub use blocks::Commissioned;
pub use replica_store::{new_op_id, Extra, Step, META_CURSOR, META_DEVICE_ID, META_LOG_EPOCH, META_NEXT_DEVICE_SEQ};

use crate::model::{HistoryRecord, ProductRecord, UnitRecord};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::KeyRange;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::rc::Rc;

pub use schema::SCHEMA_VERSION;
use schema::{HISTORY, META, PRODUCTS, UNITS};

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

/// History rows are keyed `{unit_key}\u{1}{seq, 20 digits}`: one unit's history is one key range, in order.
pub(crate) fn history_key(unit_key: &str, seq: u64) -> String {
    format!("{unit_key}\u{1}{seq:020}")
}

impl LocalDb {
    pub async fn open(name: &str) -> Result<LocalDb, DbError> {
        Self::open_at(name, SCHEMA_VERSION).await
    }

    /// Opens at a given schema version: the app uses the newest; migration tests open older ones first.
    pub async fn open_at(name: &str, version: u32) -> Result<LocalDb, DbError> {
        let db = Database::open(name)
            .with_version(version)
            .with_on_upgrade_needed(move |event, db| {
                let from = event.old_version() as u32;
                for step in from + 1..=version {
                    schema::upgrade(&db, step)?;
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

    pub async fn put_units(&self, units: &[UnitRecord]) -> Result<(), DbError> {
        let tx = self.db.transaction(UNITS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(UNITS)?;
        for unit in units {
            store.put(unit).serde()?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn unit(&self, key: &str) -> Result<Option<UnitRecord>, DbError> {
        let tx = self.db.transaction(UNITS).build()?;
        let store = tx.object_store(UNITS)?;
        Ok(store.get(key.to_owned()).serde()?.await?)
    }

    pub async fn unit_count(&self) -> Result<u32, DbError> {
        let tx = self.db.transaction(UNITS).build()?;
        let store = tx.object_store(UNITS)?;
        Ok(store.count().await?)
    }

    pub async fn put_history(&self, history: &[HistoryRecord]) -> Result<(), DbError> {
        let tx = self.db.transaction(HISTORY).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(HISTORY)?;
        for entry in history {
            store.put(entry).with_key(history_key(&entry.unit_key, entry.seq)).serde()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A unit's history, newest first.
    pub async fn history(&self, unit_key: &str) -> Result<Vec<HistoryRecord>, DbError> {
        let tx = self.db.transaction(HISTORY).build()?;
        let store = tx.object_store(HISTORY)?;
        let range = KeyRange::Bound(history_key(unit_key, 0), false, history_key(unit_key, u64::MAX), false);
        let mut entries: Vec<HistoryRecord> =
            store.get_all().with_query::<String, _>(range).serde()?.await?.collect::<Result<_, _>>()?;
        entries.reverse();
        Ok(entries)
    }

    /// A unit and its history in one transaction: a lookup shows both or neither.
    pub async fn put_unit_with_history(&self, unit: &UnitRecord, history: &[HistoryRecord]) -> Result<(), DbError> {
        let tx = self.db.transaction([UNITS, HISTORY]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(UNITS)?.put(unit).serde()?;
        let store = tx.object_store(HISTORY)?;
        for entry in history {
            store.put(entry).with_key(history_key(&entry.unit_key, entry.seq)).serde()?;
        }
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
