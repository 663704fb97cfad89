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
use std::collections::{BTreeMap, BTreeSet};
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

/// How much of the outbox and the inbox a step reads. A user action on one unit reads only that unit's entries,
/// so recording stays as fast after a shift of offline work (thousands of ops waiting) as on an empty outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole outbox and inbox (push, pull, bootstrap: they work across units).
    Everything,
    /// Only the entries of the step's units (recording an op, resolving a conflict).
    TheseUnits,
    /// The whole outbox and inbox, and the step's units are new to the device (a first fill from the
    /// snapshot): there is nothing of them to read.
    NewUnits,
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

/// The records of `store` (outbox or conflicts) whose `unit` index is one of `keys`.
async fn by_unit<T: serde::de::DeserializeOwned>(
    tx: &Transaction<'_>,
    store: &str,
    keys: &[String],
) -> Result<Vec<T>, DbError> {
    let store = tx.object_store(store)?;
    let index = store.index("unit")?;
    let gets = keys.iter().map(|key| index.get_all().with_query(key.clone()).serde()).collect::<Result<Vec<_>, _>>()?;
    let mut records = Vec::new();
    for found in futures::future::join_all(gets).await {
        for record in found? {
            records.push(record?);
        }
    }
    Ok(records)
}

/// Reads the parts of the replica a step needs. `writable`: the device id is made on first use (a read-only
/// transaction cannot write it and leaves it empty).
pub(super) async fn load(
    tx: &Transaction<'_>,
    keys: &[String],
    writable: bool,
    scope: Scope,
) -> Result<ReplicaParts, DbError> {
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
    let held = if scope == Scope::NewUnits { &[][..] } else { keys };
    // Every get is issued before the first is awaited: IndexedDB answers them in one go, not one round trip each.
    let gets = held.iter().map(|key| confirmed_store.get(key.clone()).serde()).collect::<Result<Vec<_>, _>>()?;
    let mut confirmed = Vec::new();
    for stored in futures::future::join_all(gets).await {
        let stored: Option<StoredConfirmed> = stored?;
        if let Some(stored) = stored {
            confirmed.push(stored.confirmed().map_err(to_db)?);
        }
    }
    let (ops, conflicts): (Vec<StoredOp>, Vec<StoredConflict>) = match scope {
        Scope::Everything | Scope::NewUnits => (
            tx.object_store(OUTBOX)?.get_all().serde()?.await?.collect::<Result<_, _>>()?,
            tx.object_store(CONFLICTS)?.get_all().serde()?.await?.collect::<Result<_, _>>()?,
        ),
        Scope::TheseUnits => (by_unit(tx, OUTBOX, keys).await?, by_unit(tx, CONFLICTS, keys).await?),
    };
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

/// Writes the replica back: meta, the outbox ops and inbox entries that differ from `before` (a line tablet
/// commissioning offline holds hundreds of ops: rewriting them all would make each action slower than the
/// last), the confirmed units it holds, and each concerned unit's display record as the optimistic view makes it.
/// `before` is what `load` read: entries it did not read are left as they are.
pub(super) async fn save(
    tx: &Transaction<'_>,
    replica: &DeviceReplica,
    before: &ReplicaParts,
    keys: &[String],
    extra: &Extra,
    scope: Scope,
) -> Result<(), DbError> {
    let parts = ReplicaParts::split(replica);
    let meta = tx.object_store(META)?;
    meta.put(parts.next_device_seq).with_key(META_NEXT_DEVICE_SEQ.to_owned()).serde()?;
    meta.put(parts.cursor).with_key(META_CURSOR.to_owned()).serde()?;
    meta.put(parts.log_epoch.map(|epoch| epoch.to_string())).with_key(META_LOG_EPOCH.to_owned()).serde()?;
    // Only what the step changed is written: the outbox can hold a shift's work.
    let outbox = tx.object_store(OUTBOX)?;
    let before_ops: BTreeMap<u64, &OutboxEntry> =
        before.outbox.iter().map(|entry| (entry.op.device_seq, entry)).collect();
    for entry in &parts.outbox {
        if before_ops.get(&entry.op.device_seq) != Some(&entry) {
            outbox.put(StoredOp::from_entry(entry)).serde()?;
        }
    }
    let kept: BTreeSet<u64> = parts.outbox.iter().map(|entry| entry.op.device_seq).collect();
    for gone in before_ops.keys().filter(|seq| !kept.contains(seq)) {
        outbox.delete(*gone as f64).primitive()?;
    }
    let conflicts = tx.object_store(CONFLICTS)?;
    let before_conflicts: BTreeMap<Uuid, &Conflict> =
        before.conflicts.iter().map(|conflict| (conflict.op_id(), conflict)).collect();
    for conflict in &parts.conflicts {
        if before_conflicts.get(&conflict.op_id()) != Some(&conflict) {
            conflicts.put(StoredConflict::from_conflict(conflict)).serde()?;
        }
    }
    let kept: BTreeSet<Uuid> = parts.conflicts.iter().map(Conflict::op_id).collect();
    for gone in before_conflicts.keys().filter(|op_id| !kept.contains(op_id)) {
        conflicts.delete(gone.to_string()).primitive()?;
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
    let shown: Vec<_> = keys
        .iter()
        .filter_map(|key| {
            let unit = replica.optimistic(unit_keys.get(key)?, &workflow).unit?;
            Some((key, unit))
        })
        .collect();
    // The display record keeps the product name a lookup gave it; a unit new to the device has none yet.
    let known = if scope == Scope::NewUnits { &[][..] } else { &shown[..] };
    let gets = known.iter().map(|(key, _)| units.get((*key).clone()).serde()).collect::<Result<Vec<_>, _>>()?;
    let mut names = Vec::with_capacity(shown.len());
    for record in futures::future::join_all(gets).await {
        let record: Option<UnitRecord> = record?;
        names.push(record.and_then(|record| record.product_name));
    }
    names.resize(shown.len(), None);
    for ((_, unit), name) in shown.iter().zip(names) {
        units.put(unit_record(unit, name)).serde()?;
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
        self.step_in(keys, strict, Scope::Everything, step).await
    }

    /// A user's action on the units `keys` (record an op, resolve a conflict): strictly durable, and reading
    /// only those units' outbox and inbox entries.
    pub async fn unit_step<R>(
        &self,
        keys: &[String],
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        self.step_in(keys, true, Scope::TheseUnits, step).await
    }

    /// A step over units the device does not hold yet (filling an empty device from the snapshot).
    pub async fn new_units_step<R>(
        &self,
        keys: &[String],
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        self.step_in(keys, false, Scope::NewUnits, step).await
    }

    async fn step_in<R>(
        &self,
        keys: &[String],
        strict: bool,
        scope: Scope,
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        let durability = if strict { TransactionDurability::Strict } else { TransactionDurability::Relaxed };
        let options = TransactionOptions::new().with_durability(durability);
        let tx =
            self.db.transaction(REPLICA_STORES).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
        let parts = load(&tx, keys, true, scope).await?;
        let mut replica = parts.assemble().map_err(to_db)?;
        let outcome = step(&mut replica);
        if !outcome.commit {
            tx.abort().await?;
            return Ok(outcome.value);
        }
        save(&tx, &replica, &parts, keys, &outcome.extra, scope).await?;
        tx.commit().await?;
        Ok(outcome.value)
    }

    /// The replica over `keys`, read only: for the screens (optimistic views, counts, the inbox).
    pub async fn replica(&self, keys: &[String]) -> Result<DeviceReplica, DbError> {
        let tx = self.db.transaction(REPLICA_STORES).build()?;
        let parts = load(&tx, keys, false, Scope::Everything).await?;
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
        let mut parts = load(&tx, &keys, true, Scope::TheseUnits).await?;
        let before = parts.clone();
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
        save(&tx, &replica, &before, &keys, &extra, Scope::TheseUnits).await?;
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
