//! The IndexedDB schema, as steps per version. A new version adds a step; old steps never change, so a device
//! upgrading from any version keeps its data (its outbox above all).

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;

pub const SCHEMA_VERSION: u32 = 1;

pub const PRODUCTS: &str = "products";
pub const UNITS: &str = "units";
pub const HISTORY: &str = "history";
pub const META: &str = "meta";

pub const ALL_STORES: [&str; 4] = [PRODUCTS, UNITS, HISTORY, META];

pub fn upgrade(db: &Database, step: u32) -> indexed_db_futures::Result<()> {
    if step == 1 {
        db.create_object_store(PRODUCTS).with_key_path(KeyPath::from("id")).build()?;
        db.create_object_store(UNITS).with_key_path(KeyPath::from("key")).build()?;
        db.create_object_store(HISTORY).build()?;
        db.create_object_store(META).build()?;
    }
    Ok(())
}
