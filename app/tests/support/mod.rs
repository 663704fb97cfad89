//! Helpers the browser tests share.
#![allow(dead_code)]

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;

/// Writes records the way an older version of the app did, past today's code (which writes today's records):
/// `(key, record)`, the key given only for stores without a key path. Migration tests start from these.
pub async fn write_as_before(name: &str, store: &str, records: Vec<(Option<String>, serde_json::Value)>) {
    let db = Database::open(name).await.unwrap();
    let tx = db.transaction(store).with_mode(TransactionMode::Readwrite).build().unwrap();
    let object_store = tx.object_store(store).unwrap();
    for (key, record) in records {
        match key {
            Some(key) => {
                object_store.put(record).with_key(key).serde().unwrap();
            }
            None => {
                object_store.put(record).serde().unwrap();
            }
        }
    }
    tx.commit().await.unwrap();
    db.close();
}

pub fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}
