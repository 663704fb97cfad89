//! The IndexedDB schema, as steps per version. A new version adds a step; old steps never change, so a device
//! upgrading from any version keeps its data (its outbox above all).

use crate::model::{HistoryRecord, UnitRecord};
use crate::replica_parts::StoredUnit;
use crate::sync_wire::unit_record;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;
use serialtrack_shared::sync::ConfirmedUnit;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 5;

pub const PRODUCTS: &str = "products";
/// Versions 1–3: the display record of a unit (`UnitRecord`). Version 4: the whole unit as the device keeps it
/// (`StoredUnit`: display record, confirmed state, history lines, as a `UnitRow`), keyed by `key`.
pub const UNITS: &str = "units";
/// Versions 1–3: history lines keyed `{unit_key}\u{1}{seq, 20 digits}`; version 4 moved them into `units`.
const HISTORY: &str = "history";
pub const META: &str = "meta";
/// Version 2: the ops this device recorded, keyed by `device_seq`, with a unique `op_id` and a `unit` index.
pub const OUTBOX: &str = "outbox";
/// Version 2: the "needs attention" inbox, keyed by the refused op's `op_id`.
pub const CONFLICTS: &str = "conflicts";
/// Versions 2–3: units as the server's log made them (`{key, last_seq, confirmed}`, the shared `ConfirmedUnit` as
/// JSON), keyed like `units`; version 4 moved them into `units`.
const CONFIRMED: &str = "confirmed";

/// Version 3: packaging orders as the server last sent them, keyed by `id`.
pub const ORDERS: &str = "orders";
/// Version 3: this tablet's serial block per order (the line's `BlockRecord`), keyed by `order_id`.
pub const BLOCKS: &str = "blocks";
/// Version 3: a unit's pool status and pool history as last fetched, keyed by the unit's `unit_key`.
pub const POOL_SERIALS: &str = "pool_serials";

/// Version 5: the ops this device let go (the shared replica's journal), keyed by `device_seq`, for a server
/// restored from a backup that predates them.
pub const JOURNAL: &str = "journal";

/// Version 4's `units` while it is filled from the version 3 stores; renamed `units` once they are gone.
const MERGED_UNITS: &str = "units_v4";

pub const ALL_STORES: [&str; 9] = [PRODUCTS, UNITS, META, OUTBOX, CONFLICTS, JOURNAL, ORDERS, BLOCKS, POOL_SERIALS];

/// One step, inside the upgrade's version-change transaction (so a step that fails leaves the old version).
pub async fn upgrade(db: &Database, step: u32) -> indexed_db_futures::Result<()> {
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
        4 => merge_units(db).await?,
        5 => {
            db.create_object_store(JOURNAL).with_key_path(KeyPath::from("device_seq")).build()?;
        }
        _ => {}
    }
    Ok(())
}

/// A version 3 `confirmed` record: the shared `ConfirmedUnit` as JSON.
#[derive(serde::Deserialize)]
struct ConfirmedV3 {
    key: String,
    confirmed: String,
}

/// Version 4: each unit's display record, confirmed state and history lines become one `StoredUnit`, so filling a
/// device from the snapshot is one put per unit (it was up to 12). Everything is read at once: a device holds
/// at most the tenant's units, and this runs once. The outbox, the inbox and the meta values are not touched.
async fn merge_units(db: &Database) -> indexed_db_futures::Result<()> {
    let merged = db.create_object_store(MERGED_UNITS).with_key_path(KeyPath::from("key")).build()?;
    // The version-change transaction is reached through a store it made; it spans every store.
    let tx = merged.transaction();
    let shown: Vec<UnitRecord> = tx.object_store(UNITS)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    let confirmed: Vec<ConfirmedV3> =
        tx.object_store(CONFIRMED)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    let lines: Vec<HistoryRecord> = tx.object_store(HISTORY)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    let mut units: BTreeMap<String, StoredUnit> =
        shown.into_iter().map(|record| (record.key.clone(), StoredUnit::new(record))).collect();
    for held in confirmed {
        // Written by this build's types; one it cannot read could not have been used by it either.
        let Ok(confirmed) = serde_json::from_str::<ConfirmedUnit>(&held.confirmed) else { continue };
        // Version 3 wrote a confirmed unit's display record in the same step; one missing is made from its state.
        let unit = units.entry(held.key).or_insert_with(|| StoredUnit::new(unit_record(&confirmed.unit, None)));
        unit.confirmed = Some(confirmed);
    }
    let mut by_unit: BTreeMap<String, Vec<HistoryRecord>> = BTreeMap::new();
    for line in lines {
        by_unit.entry(line.unit_key.clone()).or_default().push(line);
    }
    // Lines of a unit without a record were never shown (the unit screen opens a unit's record first).
    for (key, lines) in by_unit {
        if let Some(unit) = units.get_mut(&key) {
            unit.add_history(lines);
        }
    }
    for unit in units.values() {
        merged.put(unit.to_row()).serde()?;
    }
    db.delete_object_store(HISTORY)?;
    db.delete_object_store(CONFIRMED)?;
    db.delete_object_store(UNITS)?;
    merged.set_name(UNITS);
    Ok(())
}
