//! The IndexedDB schema, as steps per version. A new version adds a step; old steps never change, so a device
//! upgrading from any version keeps its data (its outbox above all).

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;

pub const SCHEMA_VERSION: u32 = 3;

pub const PRODUCTS: &str = "products";
pub const UNITS: &str = "units";
pub const HISTORY: &str = "history";
pub const META: &str = "meta";
/// Version 2: the ops this device recorded, keyed by `device_seq`, with a unique `op_id` and a `unit` index.
pub const OUTBOX: &str = "outbox";
/// Version 2: the "needs attention" inbox, keyed by the refused op's `op_id`.
pub const CONFLICTS: &str = "conflicts";
/// Version 2: units as the server's log made them (the shared `ConfirmedUnit`), keyed like `units`.
pub const CONFIRMED: &str = "confirmed";

/// Version 3: packaging orders as the server last sent them, keyed by `id`.
pub const ORDERS: &str = "orders";
/// Version 3: this tablet's serial block per order (the line's `BlockRecord`), keyed by `order_id`.
pub const BLOCKS: &str = "blocks";
/// Version 3: a unit's pool status and pool history as last fetched, keyed by the unit's `unit_key`.
pub const POOL_SERIALS: &str = "pool_serials";

pub const ALL_STORES: [&str; 10] =
    [PRODUCTS, UNITS, HISTORY, META, OUTBOX, CONFLICTS, CONFIRMED, ORDERS, BLOCKS, POOL_SERIALS];

pub fn upgrade(db: &Database, step: u32) -> indexed_db_futures::Result<()> {
    match step {
        1 => {
            db.create_object_store(PRODUCTS).with_key_path(KeyPath::from("id")).build()?;
            db.create_object_store(UNITS).with_key_path(KeyPath::from("key")).build()?;
            db.create_object_store(HISTORY).build()?;
            db.create_object_store(META).build()?;
        }
        2 => {
            let outbox = db.create_object_store(OUTBOX).with_key_path(KeyPath::from("device_seq")).build()?;
            outbox.create_index("op_id", KeyPath::from("op_id")).with_unique(true).build()?;
            outbox.create_index("unit", KeyPath::from("unit_key")).build()?;
            let conflicts = db.create_object_store(CONFLICTS).with_key_path(KeyPath::from("op_id")).build()?;
            conflicts.create_index("unit", KeyPath::from("unit_key")).build()?;
            db.create_object_store(CONFIRMED).with_key_path(KeyPath::from("key")).build()?;
        }
        3 => {
            db.create_object_store(ORDERS).with_key_path(KeyPath::from("id")).build()?;
            db.create_object_store(BLOCKS).with_key_path(KeyPath::from("order_id")).build()?;
            db.create_object_store(POOL_SERIALS).with_key_path(KeyPath::from("unit_key")).build()?;
        }
        _ => {}
    }
    Ok(())
}
