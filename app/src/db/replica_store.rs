//! The device's sync state in IndexedDB: every step of the shared `DeviceReplica` (record an op, take a push
//! batch, fold a push answer, a pull page or a snapshot page, resolve a conflict) is ONE readwrite transaction
//! that reads the records the step needs, lets shared code decide, and writes the result back — so a crash
//! between two steps leaves the state of the one before or the one after, never half of one.

use super::schema::{CONFLICTS, JOURNAL, META, OUTBOX, PRODUCTS, UNITS};
use super::{DbError, LocalDb};
use crate::model::{workflow_of, HistoryRecord, ProductRecord};
use crate::replica_parts::{storage_key, ReplicaParts, StoredConflict, StoredOp, StoredSettledOp, StoredUnit, UnitRow};
use crate::store_changes::changes;
use crate::sync_wire::unit_record;
use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::KeyRange;
use serialtrack_shared::sync::{ConfirmedUnit, Conflict, DeviceReplica, OutboxEntry, SettledOp, JOURNAL_LIMIT};
use serialtrack_shared::unit::UnitKey;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const META_DEVICE_ID: &str = "device_id";
pub const META_NEXT_DEVICE_SEQ: &str = "next_device_seq";
pub const META_CURSOR: &str = "cursor";
pub const META_LOG_EPOCH: &str = "log_epoch";
pub const META_JOURNAL_UNCHECKED: &str = "journal_unchecked";

/// The products are read for their workflows: a unit's optimistic view is decided under its product's rules.
pub(super) const REPLICA_STORES: [&str; 6] = [META, OUTBOX, CONFLICTS, UNITS, JOURNAL, PRODUCTS];

/// What a step writes besides the replica itself.
#[derive(Debug, Default)]
pub struct Extra {
    /// History lines to keep (events pulled or bootstrapped).
    pub history: Vec<HistoryRecord>,
    /// Forget every confirmed unit first (a reset).
    pub clear_confirmed: bool,
    /// The product's name for the step's units, when the step knows it (the line knows its order's product);
    /// otherwise a unit keeps the name it had.
    pub product_name: Option<String>,
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

/// The records of the step's units as `load` read them, by key: `save` keeps their names and history.
pub(super) type HeldUnits = BTreeMap<String, StoredUnit>;

/// The part of the journal a step reads: a push answer's step reads every settled op from the first one the
/// server no longer has (`Some(from)`, usually none); a pull or snapshot step only the newest, enough for the
/// replica to know whether the journal is empty when it takes an epoch.
async fn load_journal(tx: &Transaction<'_>, from: Option<u64>) -> Result<Vec<SettledOp>, DbError> {
    let journal = tx.object_store(JOURNAL)?;
    let mut stored: Vec<StoredSettledOp> = match from {
        Some(from) => journal
            .get_all()
            .with_query::<f64, _>(KeyRange::from((from as f64)..))
            .serde()?
            .await?
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    if stored.is_empty() {
        if let Some(mut cursor) = journal.open_cursor().with_direction(CursorDirection::Prev).await? {
            stored.extend(cursor.next_record_ser::<StoredSettledOp>().await?);
        }
    }
    stored.iter().map(StoredSettledOp::settled).collect::<Result<_, _>>().map_err(to_db)
}

/// Reads the parts of the replica a step needs, and the records of its units. `writable`: the device id is made
/// on first use (a read-only transaction cannot write it and leaves it empty). `journal_from`: see
/// `load_journal`.
pub(super) async fn load(
    tx: &Transaction<'_>,
    keys: &[String],
    writable: bool,
    scope: Scope,
    journal_from: Option<u64>,
) -> Result<(ReplicaParts, HeldUnits), DbError> {
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
    let units = tx.object_store(UNITS)?;
    let wanted = if scope == Scope::NewUnits { &[][..] } else { keys };
    // Every get is issued before the first is awaited: IndexedDB answers them in one go, not one round trip each.
    let gets = wanted.iter().map(|key| units.get(key.clone()).serde()).collect::<Result<Vec<_>, _>>()?;
    let mut confirmed = Vec::new();
    let mut held = HeldUnits::new();
    for stored in futures::future::join_all(gets).await {
        let row: Option<UnitRow> = stored?;
        if let Some(row) = row {
            let stored = StoredUnit::from_row(&row).map_err(to_db)?;
            confirmed.extend(stored.confirmed.clone());
            held.insert(stored.key.clone(), stored);
        }
    }
    let (ops, conflicts): (Vec<StoredOp>, Vec<StoredConflict>) = match scope {
        Scope::Everything | Scope::NewUnits => (
            tx.object_store(OUTBOX)?.get_all().serde()?.await?.collect::<Result<_, _>>()?,
            tx.object_store(CONFLICTS)?.get_all().serde()?.await?.collect::<Result<_, _>>()?,
        ),
        Scope::TheseUnits => (by_unit(tx, OUTBOX, keys).await?, by_unit(tx, CONFLICTS, keys).await?),
    };
    let parts = ReplicaParts {
        device_id,
        next_device_seq: meta::<u64>(tx, META_NEXT_DEVICE_SEQ).await?.unwrap_or(1),
        cursor: meta::<u64>(tx, META_CURSOR).await?.unwrap_or(0),
        log_epoch,
        confirmed,
        outbox: ops.iter().map(StoredOp::entry).collect::<Result<_, _>>().map_err(to_db)?,
        conflicts: conflicts.iter().map(StoredConflict::conflict).collect::<Result<_, _>>().map_err(to_db)?,
        // A user's action on a unit neither takes ops from the journal nor takes an epoch: it reads none of it,
        // which keeps a line's commissioning as fast as before the journal.
        journal: match scope {
            Scope::TheseUnits => Vec::new(),
            Scope::Everything | Scope::NewUnits => load_journal(tx, journal_from).await?,
        },
        journal_unchecked: meta::<bool>(tx, META_JOURNAL_UNCHECKED).await?.unwrap_or(false),
    };
    Ok((parts, held))
}

/// Writes the replica back: meta, the outbox ops and inbox entries that differ from `before` (a line tablet
/// commissioning offline holds hundreds of ops: rewriting them all would make each action slower than the
/// last), and the record of each of the step's units: its confirmed state, the optimistic view the screens
/// show, and its history with the step's new lines — one put per unit. `before` and `held` are what `load` read:
/// entries it did not read are left as they are.
pub(super) async fn save(
    tx: &Transaction<'_>,
    replica: &DeviceReplica,
    before: &ReplicaParts,
    held: &HeldUnits,
    keys: &[String],
    extra: &Extra,
) -> Result<(), DbError> {
    let parts = ReplicaParts::split(replica);
    let meta = tx.object_store(META)?;
    meta.put(parts.next_device_seq).with_key(META_NEXT_DEVICE_SEQ.to_owned()).serde()?;
    meta.put(parts.cursor).with_key(META_CURSOR.to_owned()).serde()?;
    meta.put(parts.log_epoch.map(|epoch| epoch.to_string())).with_key(META_LOG_EPOCH.to_owned()).serde()?;
    // Only what the step changed is written: the outbox can hold a shift's work.
    let outbox = tx.object_store(OUTBOX)?;
    let ops = changes(&before.outbox, &parts.outbox, |entry: &OutboxEntry| u128::from(entry.op.device_seq));
    for entry in ops.put {
        outbox.put(StoredOp::from_entry(entry)).serde()?;
    }
    for gone in ops.gone {
        outbox.delete(gone as f64).primitive()?;
    }
    let conflicts = tx.object_store(CONFLICTS)?;
    let inbox = changes(&before.conflicts, &parts.conflicts, |conflict: &Conflict| conflict.op_id().as_u128());
    for conflict in inbox.put {
        conflicts.put(StoredConflict::from_conflict(conflict)).serde()?;
    }
    for gone in inbox.gone {
        conflicts.delete(Uuid::from_u128(gone).to_string()).primitive()?;
    }
    save_journal(tx, &before.journal, &parts.journal)?;
    meta.put(parts.journal_unchecked).with_key(META_JOURNAL_UNCHECKED.to_owned()).serde()?;
    let units = tx.object_store(UNITS)?;
    if extra.clear_confirmed {
        forget_confirmed(&units).await?;
    }
    // The step's units as the replica knows them (a unit it neither confirms nor has an op for is not written).
    let mut unit_keys: BTreeMap<String, UnitKey> = BTreeMap::new();
    for unit in &parts.confirmed {
        unit_keys.insert(storage_key(&unit.unit.key), unit.unit.key.clone());
    }
    for entry in &parts.outbox {
        unit_keys.insert(storage_key(&entry.op.unit), entry.op.unit.clone());
    }
    let mut lines: BTreeMap<&str, Vec<HistoryRecord>> = BTreeMap::new();
    for line in &extra.history {
        lines.entry(line.unit_key.as_str()).or_default().push(line.clone());
    }
    let products: Vec<ProductRecord> = match keys.is_empty() {
        true => Vec::new(),
        false => tx.object_store(PRODUCTS)?.get_all().serde()?.await?.collect::<Result<_, _>>()?,
    };
    for key in keys {
        let Some(unit_key) = unit_keys.get(key) else { continue };
        let was = held.get(key);
        let name = extra.product_name.clone().or_else(|| was.and_then(|was| was.shown.product_name.clone()));
        let shown = match replica.optimistic(unit_key, &workflow_of(&products, &unit_key.product)).unit {
            Some(unit) => unit_record(&unit, name),
            // Nothing this build can replay (a state written by a newer build): keep what a lookup showed.
            None => match was {
                Some(was) => was.shown.clone(),
                None => continue,
            },
        };
        let mut stored = was.cloned().unwrap_or_else(|| StoredUnit::new(shown.clone()));
        stored.shown = shown;
        stored.confirmed = replica.confirmed(unit_key).cloned();
        stored.add_history(lines.remove(key.as_str()).unwrap_or_default());
        units.put(stored.to_row()).serde()?;
    }
    Ok(())
}

/// Writes the journal's changes: ops the step let go, ops it took back into the outbox; and keeps the newest
/// `JOURNAL_LIMIT` (the replica saw only the part `load_journal` read).
fn save_journal(tx: &Transaction<'_>, before: &[SettledOp], after: &[SettledOp]) -> Result<(), DbError> {
    let journal = tx.object_store(JOURNAL)?;
    let settled = changes(before, after, |settled: &SettledOp| u128::from(settled.op.device_seq));
    let mut newest_added = None;
    for added in settled.put {
        journal.put(StoredSettledOp::from_settled(added)).serde()?;
        newest_added = newest_added.max(Some(added.op.device_seq));
    }
    for gone in settled.gone {
        journal.delete(gone as f64).primitive()?;
    }
    if let Some(cut) = newest_added.and_then(|newest| newest.checked_sub(JOURNAL_LIMIT as u64)) {
        journal.delete::<f64, _>(KeyRange::UpperBound(cut as f64, false)).primitive()?;
    }
    Ok(())
}

/// A reset: every unit the device holds loses its confirmed state (the server's log it came from is gone) and
/// keeps what it shows and its history until the snapshot fills it again.
async fn forget_confirmed(units: &indexed_db_futures::object_store::ObjectStore<'_>) -> Result<(), DbError> {
    let Some(mut cursor) = units.open_cursor().await? else { return Ok(()) };
    while let Some(row) = cursor.next_record_ser::<UnitRow>().await? {
        let mut stored = StoredUnit::from_row(&row).map_err(to_db)?;
        if stored.confirmed.take().is_some() {
            cursor.update(stored.to_row()).serde()?.await?;
        }
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
        self.step_in(keys, strict, Scope::Everything, None, step).await
    }

    /// Folds a push answer in: like `replica_step`, reading the journal from the first op the server no longer
    /// has (`last_processed_device_seq + 1`), which the replica sends again.
    pub async fn push_answer_step<R>(
        &self,
        keys: &[String],
        last_processed_device_seq: u64,
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        self.step_in(keys, false, Scope::Everything, Some(last_processed_device_seq + 1), step).await
    }

    /// A user's action on the units `keys` (record an op, resolve a conflict): strictly durable, and reading
    /// only those units' outbox and inbox entries.
    pub async fn unit_step<R>(
        &self,
        keys: &[String],
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        self.step_in(keys, true, Scope::TheseUnits, None, step).await
    }

    /// A step over units the device does not hold yet (filling an empty device from the snapshot).
    pub async fn new_units_step<R>(
        &self,
        keys: &[String],
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        self.step_in(keys, false, Scope::NewUnits, None, step).await
    }

    async fn step_in<R>(
        &self,
        keys: &[String],
        strict: bool,
        scope: Scope,
        journal_from: Option<u64>,
        step: impl FnOnce(&mut DeviceReplica) -> Step<R>,
    ) -> Result<R, DbError> {
        let durability = if strict { TransactionDurability::Strict } else { TransactionDurability::Relaxed };
        let options = TransactionOptions::new().with_durability(durability);
        let tx =
            self.db.transaction(REPLICA_STORES).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
        let (parts, held) = load(&tx, keys, true, scope, journal_from).await?;
        let mut replica = parts.assemble().map_err(to_db)?;
        let outcome = step(&mut replica);
        if !outcome.commit {
            tx.abort().await?;
            return Ok(outcome.value);
        }
        save(&tx, &replica, &parts, &held, keys, &outcome.extra).await?;
        tx.commit().await?;
        Ok(outcome.value)
    }

    /// The replica over `keys`, read only: for the screens (optimistic views, counts, the inbox).
    pub async fn replica(&self, keys: &[String]) -> Result<DeviceReplica, DbError> {
        let tx = self.db.transaction(REPLICA_STORES).build()?;
        let (parts, _) = load(&tx, keys, false, Scope::Everything, None).await?;
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
        let tx = self.db.transaction(UNITS).build()?;
        let row: Option<UnitRow> = tx.object_store(UNITS)?.get(key.to_owned()).serde()?.await?;
        let stored = row.map(|row| StoredUnit::from_row(&row)).transpose().map_err(to_db)?;
        Ok(stored.and_then(|stored| stored.confirmed))
    }

    /// A unit read from the server (a lookup): its confirmed state replaces the device's when newer, its
    /// history is kept, and its display record shows the optimistic view — one transaction.
    pub async fn keep_looked_up(&self, found: &crate::api::LookedUp) -> Result<(), DbError> {
        let keys = vec![found.record.key.clone()];
        let tx = self.db.transaction(REPLICA_STORES).with_mode(TransactionMode::Readwrite).build()?;
        let (mut parts, mut held) = load(&tx, &keys, true, Scope::TheseUnits, None).await?;
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
        // What the server showed stands when this build cannot replay the unit.
        held.entry(found.record.key.clone())
            .and_modify(|held| held.shown = found.record.clone())
            .or_insert_with(|| StoredUnit::new(found.record.clone()));
        let extra = Extra {
            history: found.history.clone(),
            clear_confirmed: false,
            product_name: found.record.product_name.clone(),
        };
        save(&tx, &replica, &before, &held, &keys, &extra).await?;
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

    /// The keys of every unit the device holds.
    pub async fn unit_keys(&self) -> Result<Vec<String>, DbError> {
        let tx = self.db.transaction(UNITS).build()?;
        let keys: Vec<String> = tx.object_store(UNITS)?.get_all_keys().serde()?.await?.collect::<Result<_, _>>()?;
        Ok(keys)
    }
}
