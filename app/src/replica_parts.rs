//! The device's sync state as IndexedDB keeps it: one record per outbox op, per conflict and per unit (its
//! confirmed state beside what the screens show), plus a few meta values. The decisions are the shared
//! `DeviceReplica`'s; this module only takes one apart into records and puts it back together, so every store
//! write follows a decision made by shared code.
//!
//! Payloads are kept as JSON text: the same bytes the shared crate round-trips in its own tests, readable by
//! any later build, and free of the JavaScript number and map quirks of structured cloning.

use crate::model::{HistoryRecord, UnitRecord};
use serde::{Deserialize, Serialize};
use serialtrack_shared::sync::{ConfirmedUnit, Conflict, DeviceReplica, OutboxEntry, SettledOp};
use serialtrack_shared::unit::UnitKey;
use uuid::Uuid;

/// The key a unit is stored under on the device: `{product code}/{serial}` (for GS1 products, the GTIN-14).
pub fn storage_key(unit: &UnitKey) -> String {
    format!("{}/{}", unit.product.as_str(), unit.serial.as_str())
}

/// One op of the outbox, as stored: keyed by `device_seq`, indexed by `op_id` (unique) and `unit_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOp {
    pub device_seq: u64,
    pub op_id: String,
    pub unit_key: String,
    /// The shared `OutboxEntry` (the op and how far its delivery got) as JSON.
    pub entry: String,
}

/// One entry of the "needs attention" inbox, keyed by the refused op's `op_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredConflict {
    pub op_id: String,
    pub unit_key: String,
    /// The shared `Conflict` as JSON.
    pub conflict: String,
}

/// One op the device let go (schema v5, the `journal` store), keyed by `device_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSettledOp {
    pub device_seq: u64,
    /// The shared `SettledOp` (the op and its refusal, if refused) as JSON.
    pub settled: String,
}

impl StoredSettledOp {
    pub fn from_settled(settled: &SettledOp) -> StoredSettledOp {
        StoredSettledOp {
            device_seq: settled.op.device_seq,
            settled: serde_json::to_string(settled).expect("a settled op is plain JSON"),
        }
    }

    pub fn settled(&self) -> Result<SettledOp, serde_json::Error> {
        serde_json::from_str(&self.settled)
    }
}

/// One unit as the device keeps it (schema v4, the `units` store): what the screens show, the server's
/// confirmed state and the unit's history, in one record. Filling a device from the snapshot is then one put
/// per unit, and a lookup reads one record. Stored as a `UnitRow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredUnit {
    pub key: String,
    /// The unit as the screens show it: the optimistic view (confirmed state plus this device's pending ops), or
    /// what a lookup gave when this build cannot read the server's state.
    pub shown: UnitRecord,
    /// None while only this device's own ops make the unit, after a reset, or when the server's state is
    /// written by a newer build.
    pub confirmed: Option<ConfirmedUnit>,
    /// History lines, oldest first, each seq once: the newest `KEPT_HISTORY` the device was given.
    pub history: Vec<HistoryRecord>,
}

/// A `StoredUnit` as the `units` store holds it, keyed by `key`: the unit as JSON text, like the outbox's payloads.
/// One string converts to JavaScript and clones into IndexedDB cheaper than a nested object of dozens of fields
/// (the put calls of a snapshot page took about a sixth less, measured in the initial sync bench).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub key: String,
    pub unit: String,
}

/// How many history lines a unit keeps: as many as a lookup asks the server for.
pub const KEPT_HISTORY: usize = 500;

impl StoredOp {
    pub fn from_entry(entry: &OutboxEntry) -> StoredOp {
        StoredOp {
            device_seq: entry.op.device_seq,
            op_id: entry.op.op_id.to_string(),
            unit_key: storage_key(&entry.op.unit),
            entry: serde_json::to_string(entry).expect("an outbox entry is plain JSON"),
        }
    }

    pub fn entry(&self) -> Result<OutboxEntry, serde_json::Error> {
        serde_json::from_str(&self.entry)
    }
}

impl StoredConflict {
    pub fn from_conflict(conflict: &Conflict) -> StoredConflict {
        StoredConflict {
            op_id: conflict.op_id().to_string(),
            unit_key: storage_key(&conflict.op.unit),
            conflict: serde_json::to_string(conflict).expect("a conflict is plain JSON"),
        }
    }

    pub fn conflict(&self) -> Result<Conflict, serde_json::Error> {
        serde_json::from_str(&self.conflict)
    }
}

impl StoredUnit {
    pub fn new(shown: UnitRecord) -> StoredUnit {
        StoredUnit { key: shown.key.clone(), shown, confirmed: None, history: Vec::new() }
    }

    pub fn to_row(&self) -> UnitRow {
        UnitRow { key: self.key.clone(), unit: serde_json::to_string(self).expect("a unit is plain JSON") }
    }

    pub fn from_row(row: &UnitRow) -> Result<StoredUnit, serde_json::Error> {
        serde_json::from_str(&row.unit)
    }

    /// Adds history lines (a line the unit already has is replaced), keeping the newest `KEPT_HISTORY`.
    pub fn add_history(&mut self, lines: impl IntoIterator<Item = HistoryRecord>) {
        // The new lines go first, so the stable sort puts a new line before the old one of its seq and `dedup`
        // keeps it. A Vec, not a map by seq: one more B-tree type in the app (README.md, "The app's weight").
        let mut all: Vec<HistoryRecord> = lines.into_iter().collect();
        all.append(&mut self.history);
        all.sort_by_key(|line| line.seq);
        all.dedup_by_key(|line| line.seq);
        let skip = all.len().saturating_sub(KEPT_HISTORY);
        all.drain(..skip);
        self.history = all;
    }
}

/// `DeviceReplica`'s JSON form, borrowed from the parts (see `ReplicaParts::assemble`).
#[derive(Serialize)]
struct ReplicaJson<'a> {
    device_id: &'a str,
    next_device_seq: u64,
    cursor: u64,
    log_epoch: Option<Uuid>,
    confirmed: &'a [ConfirmedUnit],
    outbox: Entries<'a, OutboxEntry>,
    conflicts: &'a [Conflict],
    journal: Entries<'a, SettledOp>,
    journal_unchecked: bool,
    push_blocked: Option<()>,
}

/// The JSON form of the replica's outbox and journal: `{"entries": {device_seq: entry, …}}`.
#[derive(Serialize)]
struct Entries<'a, T> {
    entries: BySeq<'a, T>,
}

/// Entries written as a map by `device_seq`, straight from the slice (the replica sorts them as it reads).
struct BySeq<'a, T>(&'a [T], fn(&T) -> u64);

impl<T: Serialize> Serialize for BySeq<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|entry| (self.1(entry), entry)))
    }
}

/// The pieces of a `DeviceReplica` that a transaction reads: the meta values, the outbox, the inbox, the
/// confirmed units the step concerns (not necessarily all the device holds) and the part of the journal it
/// needs (see `db::replica_store::load`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaParts {
    pub device_id: String,
    pub next_device_seq: u64,
    pub cursor: u64,
    pub log_epoch: Option<Uuid>,
    pub confirmed: Vec<ConfirmedUnit>,
    pub outbox: Vec<OutboxEntry>,
    pub conflicts: Vec<Conflict>,
    pub journal: Vec<SettledOp>,
    pub journal_unchecked: bool,
}

impl ReplicaParts {
    /// The shared replica these parts make, through its own JSON form (its fields are private on purpose). The
    /// form is written as text and read back with `from_str`: the parts are stored and read as JSON text anyway,
    /// so this reuses that code, where a `serde_json::Value` round trip compiled a second reader and writer of
    /// every type in the replica into the app.
    pub fn assemble(&self) -> Result<DeviceReplica, serde_json::Error> {
        let json = ReplicaJson {
            device_id: &self.device_id,
            next_device_seq: self.next_device_seq,
            cursor: self.cursor,
            log_epoch: self.log_epoch,
            confirmed: &self.confirmed,
            outbox: Entries { entries: BySeq(&self.outbox, |entry| entry.op.device_seq) },
            conflicts: &self.conflicts,
            journal: Entries { entries: BySeq(&self.journal, |settled| settled.op.device_seq) },
            journal_unchecked: self.journal_unchecked,
            push_blocked: None,
        };
        serde_json::from_str(&serde_json::to_string(&json)?)
    }

    /// The parts of a replica after a step, to write back.
    pub fn split(replica: &DeviceReplica) -> ReplicaParts {
        ReplicaParts {
            device_id: replica.device_id().to_owned(),
            next_device_seq: replica.next_device_seq(),
            cursor: replica.cursor(),
            log_epoch: replica.log_epoch(),
            confirmed: replica.confirmed_units().cloned().collect(),
            outbox: replica.outbox().entries().cloned().collect(),
            conflicts: replica.conflicts().to_vec(),
            journal: replica.journal().entries().cloned().collect(),
            journal_unchecked: replica.journal_unchecked(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serialtrack_shared::ids::{Gtin, Serial};
    use serialtrack_shared::sync::{OpOutcome, OpResult, PushResponse, RefusedOp};
    use serialtrack_shared::unit::{Actor, CommandContext, Role, UnitCommand, WorkflowSettings};
    use time::macros::datetime;

    fn key(serial: &str) -> UnitKey {
        UnitKey::sgtin(&Gtin::parse("09506000134352").unwrap(), Serial::parse(serial).unwrap())
    }

    #[test]
    fn a_unit_is_stored_under_its_gtin_and_serial() {
        assert_eq!(storage_key(&key("ABC1")), "09506000134352/ABC1");
    }

    #[test]
    fn a_replica_taken_apart_and_put_together_is_the_same_replica() {
        let parts = ReplicaParts {
            device_id: "tablet-1".into(),
            next_device_seq: 1,
            cursor: 0,
            log_epoch: None,
            confirmed: Vec::new(),
            outbox: Vec::new(),
            conflicts: Vec::new(),
            journal: Vec::new(),
            journal_unchecked: false,
        };
        let mut replica = parts.assemble().unwrap();
        let actor = Actor { name: "user:operator".into(), role: Role::Operator, party: None };
        let workflow = WorkflowSettings::default();
        let context =
            CommandContext { actor: &actor, now: datetime!(2026-11-23 10:00 UTC), workflow: &workflow, approval: None };
        let commission = UnitCommand::Commission { lot: None, expiry: None, location: None, owner: None };
        replica.record(key("A1"), commission, &context, Uuid::from_u128(1)).unwrap();
        replica
            .record(key("A1"), UnitCommand::AddNote { text: "dented".into() }, &context, Uuid::from_u128(2))
            .unwrap();

        // The note is refused: it leaves the outbox for the inbox and the journal.
        let request = replica.next_push().unwrap();
        let refused = RefusedOp::unreadable("a test");
        let results = vec![
            OpResult { op_id: request.ops[0].op_id, device_seq: 1, outcome: OpOutcome::Accepted { seq: 9 } },
            OpResult { op_id: request.ops[1].op_id, device_seq: 2, outcome: OpOutcome::Refused(refused) },
        ];
        replica.on_push_response(&PushResponse { results, last_processed_device_seq: 2, head_seq: 9, stopped: None });

        let split = ReplicaParts::split(&replica);
        assert_eq!(split.next_device_seq, 3);
        assert_eq!((split.outbox.len(), split.conflicts.len(), split.journal.len()), (1, 1, 1));
        assert_eq!(split.assemble().unwrap(), replica);
        let stored: Vec<StoredOp> = split.outbox.iter().map(StoredOp::from_entry).collect();
        assert_eq!(stored[0].device_seq, 1);
        assert_eq!(stored[0].unit_key, "09506000134352/A1");
        assert_eq!(stored[0].entry().unwrap(), split.outbox[0]);
        let settled = StoredSettledOp::from_settled(&split.journal[0]);
        assert_eq!((settled.device_seq, settled.settled().unwrap()), (2, split.journal[0].clone()));
    }

    fn line(seq: u64, what: &str) -> HistoryRecord {
        HistoryRecord {
            unit_key: "09506000134352/A1".into(),
            seq,
            at: "2026-11-23T10:00:00Z".into(),
            who: "operator".into(),
            role: None,
            device: None,
            location: None,
            what: what.into(),
            change: None,
            why: None,
        }
    }

    #[test]
    fn a_units_history_keeps_each_seq_once_in_order_and_only_the_newest_lines() {
        let shown = crate::sync_wire::unit_record(
            &serde_json::from_value(serde_json::json!({
                "key": {"product": {"schema": "gtin", "code": "09506000134352"}, "serial": "A1"},
                "status": "available", "lot": null, "expiry": null, "location": null, "owner": null, "parent": null,
                "order": null, "decommissioned": null, "ever_recalled": false, "replaced_by": null,
                "commissioned_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 1
            }))
            .unwrap(),
            None,
        );
        let mut unit = StoredUnit::new(shown);
        unit.add_history([line(3, "Shipped"), line(1, "Commissioned")]);
        unit.add_history([line(12, "Delivered"), line(3, "Shipped again")]);
        let seqs: Vec<u64> = unit.history.iter().map(|line| line.seq).collect();
        assert_eq!(seqs, vec![1, 3, 12]);
        assert_eq!(unit.history[1].what, "Shipped again");
        unit.add_history((100..100 + KEPT_HISTORY as u64).map(|seq| line(seq, "Note added")));
        assert_eq!(unit.history.len(), KEPT_HISTORY);
        assert_eq!(unit.history[0].seq, 100, "the oldest lines go first");
    }
}
