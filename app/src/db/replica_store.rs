//! The device's sync state in IndexedDB: every step of the shared `DeviceReplica` (record an op, take a push
//! batch, fold a push answer, a pull page or a snapshot page, resolve a conflict) is ONE readwrite transaction
//! that reads the records the step needs, lets shared code decide, and writes the result back — so a crash
//! between two steps leaves the state of the one before or the one after, never half of one.

use super::schema::{CONFIRMED, CONFLICTS, HISTORY, META, OUTBOX, UNITS};
use super::{history_key, DbError, LocalDb};
use crate::model::{HistoryRecord, UnitRecord};
use crate::replica_parts::{storage_key, ReplicaParts, StoredConfirmed, StoredConflict, StoredOp};
use crate::sync_wire::unit_record;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions};
use serialtrack_shared::sync::{ConfirmedUnit, Conflict, DeviceReplica, OutboxEntry};
use serialtrack_shared::unit::{UnitKey, WorkflowSettings};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const META_DEVICE_ID: &str = "device_id";
pub const META_NEXT_DEVICE_SEQ: &str = "next_device_seq";
pub const META_CURSOR: &str = "cursor";
pub const META_LOG_EPOCH: &str = "log_epoch";

pub(super) const REPLICA_STORES: [&str; 6] = [META, OUTBOX, CONFLICTS, CONFIRMED, UNITS, HISTORY];

/// What a step writes besides the replica itself.
#[derive(Debug, Default)]
pub struct Extra {
    /// History lines to keep (events pulled or bootstrapped).
    pub history: Vec<HistoryRecord>,
    /// Forget every confirmed unit first (a reset).
    pub clear_confirmed: bool,
}

/// The outcome of a step: `commit` false rolls the transaction back (a refusal changes nothing).
pub struct Step<R> {
    pub value: R,
    pub commit: bool,
    pub extra: Extra,
}

impl<R> Step<R> {
    pub fn commit(value: R) -> Self {
        Step { value, commit: true, extra: Extra::default() }
    }

    pub fn roll_back(value: R) -> Self {
        Step { value, commit: false, extra: Extra::default() }
    }
}

pub(super) fn to_db<E: std::fmt::Display>(error: E) -> DbError {
    DbError::Failed(error.to_string())
}

/// A device id made once per install: a random UUID from the browser's crypto.
fn new_device_id() -> String {
    let crypto = web_sys::window().and_then(|window| js_sys::Reflect::get(&window, &"crypto".into()).ok());
    let made = crypto.and_then(|crypto| {
        let function = js_sys::Reflect::get(&crypto, &"randomUUID".into()).ok()?;
        let function: js_sys::Function = wasm_bindgen::JsCast::dyn_into(function).ok()?;
        function.call0(&crypto).ok()?.as_string()
    });
    made.unwrap_or_else(|| format!("device-{}", js_sys::Math::random().to_bits()))
}

/// A fresh op id (a random UUID v4 from the browser's crypto).
pub fn new_op_id() -> Uuid {
    Uuid::parse_str(&new_device_id()).unwrap_or_else(|_| {
        let high = (js_sys::Math::random() * u64::MAX as f64) as u128;
        let low = (js_sys::Math::random() * u64::MAX as f64) as u128;
        Uuid::from_u128((high << 64) | low)
    })
}

async fn meta<T: serde::de::DeserializeOwned>(tx: &Transaction<'_>, key: &str) -> Result<Option<T>, DbError> {
    Ok(tx.object_store(META)?.get(key.to_owned()).serde()?.await?)
}

/// Reads the parts of the replica a step needs. `writable`: the device id is made on first use (a read-only
/// transaction cannot write it and leaves it empty).
pub(super) async fn load(tx: &Transaction<'_>, keys: &[String], writable: bool) -> Result<ReplicaParts, DbError> {
    let device_id = match meta::<String>(tx, META_DEVICE_ID).await? {
        Some(id) => id,
        None if !writable => String::new(),
        None => {
            let id = new_device_id();
            tx.object_store(META)?.put(&id).with_key(META_DEVICE_ID.to_owned()).serde()?;
            id
        }
    };
    let log_epoch = meta::<String>(tx, META_LOG_EPOCH).await?.and_then(|text| Uuid::parse_str(&text).ok());
    let confirmed_store = tx.object_store(CONFIRMED)?;
    let mut confirmed = Vec::new();
    for key in keys {
        if let Some(stored) = confirmed_store.get(key.clone()).serde()?.await? {
            let stored: StoredConfirmed = stored;
            confirmed.push(stored.confirmed().map_err(to_db)?);
        }
    }
    let ops: Vec<StoredOp> = tx.object_store(OUTBOX)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    let conflicts: Vec<StoredConflict> =
        tx.object_store(CONFLICTS)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    Ok(ReplicaParts {
        device_id,
        next_device_seq: meta::<u64>(tx, META_NEXT_DEVICE_SEQ).await?.unwrap_or(1),
        cursor: meta::<u64>(tx, META_CURSOR).await?.unwrap_or(0),
        log_epoch,
        confirmed,
        outbox: ops.iter().map(StoredOp::entry).collect::<Result<_, _>>().map_err(to_db)?,
        conflicts: conflicts.iter().map(StoredConflict::conflict).collect::<Result<_, _>>().map_err(to_db)?,
    })
}

/// Writes the replica back: meta, the outbox ops and inbox entries that differ from `before` (what the step
/// loaded — a line tablet commissioning offline holds hundreds of ops, and rewriting them all for each unit
/// would make every action slower than the last), the confirmed units it holds, and each concerned unit's
/// display record as the optimistic view now makes it.
pub(super) async fn save(
    tx: &Transaction<'_>,
    replica: &DeviceReplica,
    before: &ReplicaParts,
    keys: &[String],
    extra: &Extra,
) -> Result<(), DbError> {
    let parts = ReplicaParts::split(replica);
    let meta = tx.object_store(META)?;
    meta.put(parts.next_device_seq).with_key(META_NEXT_DEVICE_SEQ.to_owned()).serde()?;
    meta.put(parts.cursor).with_key(META_CURSOR.to_owned()).serde()?;
    meta.put(parts.log_epoch.map(|epoch| epoch.to_string())).with_key(META_LOG_EPOCH.to_owned()).serde()?;
    let outbox = tx.object_store(OUTBOX)?;
    let held: BTreeMap<u64, &OutboxEntry> = before.outbox.iter().map(|entry| (entry.op.device_seq, entry)).collect();
    for entry in &parts.outbox {
        if held.get(&entry.op.device_seq) != Some(&entry) {
            outbox.put(StoredOp::from_entry(entry)).serde()?;
        }
    }
    for seq in held.keys().filter(|seq| !parts.outbox.iter().any(|entry| entry.op.device_seq == **seq)) {
        // Keys are JS numbers (the key path reads a number); a u64 would go over as a BigInt, not a key.
        outbox.delete(*seq as f64).build()?;
    }
    if parts.conflicts != before.conflicts {
        let conflicts = tx.object_store(CONFLICTS)?;
        conflicts.clear()?;
        for conflict in &parts.conflicts {
            conflicts.put(StoredConflict::from_conflict(conflict)).serde()?;
        }
    }
    let confirmed = tx.object_store(CONFIRMED)?;
    if extra.clear_confirmed {
        confirmed.clear()?;
    }
    for unit in &parts.confirmed {
        confirmed.put(StoredConfirmed::from_confirmed(unit)).serde()?;
    }
    let history = tx.object_store(HISTORY)?;
    for entry in &extra.history {
        history.put(entry).with_key(history_key(&entry.unit_key, entry.seq)).serde()?;
    }
    let mut unit_keys: BTreeMap<String, UnitKey> = BTreeMap::new();
    for unit in &parts.confirmed {
        unit_keys.insert(storage_key(&unit.unit.key), unit.unit.key.clone());
    }
    for entry in &parts.outbox {
        unit_keys.insert(storage_key(&entry.op.unit), entry.op.unit.clone());
    }
    let units = tx.object_store(UNITS)?;
    let workflow = WorkflowSettings::default();
    for key in keys {
        let Some(unit_key) = unit_keys.get(key) else { continue };
        let Some(unit) = replica.optimistic(unit_key, &workflow).unit else { continue };
        let known: Option<UnitRecord> = units.get(key.clone()).serde()?.await?;
        units.put(unit_record(&unit, known.and_then(|record| record.product_name))).serde()?;
    }
    Ok(())
}

impl LocalDb {
    /// Runs one step of the replica over the units `keys`, in one readwrite transaction; `strict` asks the
    /// browser to flush to disk before reporting success (a user action must survive a power cut).
    pub async fn replica_step<R>(
        &self,
        keys: &[String],
        strict: bool,
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        let durability = if strict { TransactionDurability::Strict } else { TransactionDurability::Relaxed };
        let options = TransactionOptions::new().with_durability(durability);
        let tx =
            self.db.transaction(REPLICA_STORES).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
        let parts = load(&tx, keys, true).await?;
        let mut replica = parts.assemble().map_err(to_db)?;
        let outcome = step(&mut replica);
        if !outcome.commit {
            tx.abort().await?;
            return Ok(outcome.value);
        }
        save(&tx, &replica, &parts, keys, &outcome.extra).await?;
        tx.commit().await?;
        Ok(outcome.value)
    }

    /// The replica over `keys`, read only: for the screens (optimistic views, counts, the inbox).
    pub async fn replica(&self, keys: &[String]) -> Result<DeviceReplica, DbError> {
        let tx = self.db.transaction(REPLICA_STORES).build()?;
        let parts = load(&tx, keys, false).await?;
        parts.assemble().map_err(to_db)
    }

    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, DbError> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let ops: Vec<StoredOp> = tx.object_store(OUTBOX)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
        ops.iter().map(StoredOp::entry).collect::<Result<_, _>>().map_err(to_db)
    }

    pub async fn conflicts(&self) -> Result<Vec<Conflict>, DbError> {
        let tx = self.db.transaction(CONFLICTS).build()?;
        let stored: Vec<StoredConflict> =
            tx.object_store(CONFLICTS)?.get_all().serde()?.await?.collect::<Result<_, _>>()?;
        stored.iter().map(StoredConflict::conflict).collect::<Result<_, _>>().map_err(to_db)
    }

    pub async fn confirmed(&self, key: &str) -> Result<Option<ConfirmedUnit>, DbError> {
        let tx = self.db.transaction(CONFIRMED).build()?;
        let stored: Option<StoredConfirmed> = tx.object_store(CONFIRMED)?.get(key.to_owned()).serde()?.await?;
        stored.map(|stored| stored.confirmed().map_err(to_db)).transpose()
    }

    /// A unit read from the server (a lookup): its confirmed state replaces the device's when newer, its
    /// history is kept, and its display record shows the optimistic view — one transaction.
    pub async fn keep_looked_up(&self, found: &crate::api::LookedUp) -> Result<(), DbError> {
        let keys = vec![found.record.key.clone()];
        let tx = self.db.transaction(REPLICA_STORES).with_mode(TransactionMode::Readwrite).build()?;
        let mut parts = load(&tx, &keys, true).await?;
        if let Some(fresh) = &found.confirmed {
            let held = parts.confirmed.iter().position(|held| held.unit.key == fresh.unit.key);
            match held {
                Some(index) if parts.confirmed[index].last_seq >= fresh.last_seq => {}
                Some(index) => parts.confirmed[index] = fresh.clone(),
                None => parts.confirmed.push(fresh.clone()),
            }
        }
        let replica = parts.assemble().map_err(to_db)?;
        tx.object_store(UNITS)?.put(&found.record).serde()?;
        let extra = Extra { history: found.history.clone(), clear_confirmed: false };
        save(&tx, &replica, &parts, &keys, &extra).await?;
        tx.commit().await?;
        Ok(())
    }

    /// This install's device id, made on first use.
    pub async fn device_id(&self) -> Result<String, DbError> {
        let tx = self.db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
        let id = match meta::<String>(&tx, META_DEVICE_ID).await? {
            Some(id) => id,
            None => {
                let id = new_device_id();
                tx.object_store(META)?.put(&id).with_key(META_DEVICE_ID.to_owned()).serde()?;
                id
            }
        };
        tx.commit().await?;
        Ok(id)
    }

    /// The keys of every confirmed unit the device holds.
    pub async fn confirmed_keys(&self) -> Result<Vec<String>, DbError> {
        let tx = self.db.transaction(CONFIRMED).build()?;
        let keys: Vec<String> = tx.object_store(CONFIRMED)?.get_all_keys().serde()?.await?.collect::<Result<_, _>>()?;
        Ok(keys)
    }
}
