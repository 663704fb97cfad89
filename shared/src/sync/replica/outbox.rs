//! The device's outbox: its recorded ops in device_seq order, each with how far its delivery got.

use crate::sync::pending_op::PendingOp;
use crate::unit::UnitKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How far an op in the outbox got. Refused ops leave the outbox for the conflict inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
// Read through one flat struct, as `PullAnswer` is (`sync/pull.rs`).
#[serde(tag = "kind", rename_all = "snake_case", try_from = "FlatDelivery")]
pub enum Delivery {
    /// Waiting to be sent (offline, or sent without an answer).
    Queued,
    /// In a push whose answer has not arrived.
    Sending,
    /// Accepted as event `seq`. It stays until the cursor passes `seq`, so the optimistic view never flickers
    /// between the ack and the pull that brings the event.
    Acked { seq: u64 },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum DeliveryKind {
    Queued,
    Sending,
    Acked,
}

#[derive(Deserialize)]
struct FlatDelivery {
    kind: DeliveryKind,
    seq: Option<u64>,
}

impl TryFrom<FlatDelivery> for Delivery {
    type Error = String;

    fn try_from(flat: FlatDelivery) -> Result<Delivery, String> {
        Ok(match flat.kind {
            DeliveryKind::Queued => Delivery::Queued,
            DeliveryKind::Sending => Delivery::Sending,
            DeliveryKind::Acked => Delivery::Acked { seq: crate::json::needed(flat.seq, "seq")? },
        })
    }
}

/// What the user sees next to an op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpStatus {
    Queued,
    Sending,
    Confirmed,
    Refused,
    /// Still to be pushed, but it fails on the device's current view: the server will probably refuse it.
    PredictedConflict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub op: PendingOp,
    pub delivery: Delivery,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    entries: BTreeMap<u64, OutboxEntry>,
}

impl Outbox {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// In device_seq order.
    pub fn entries(&self) -> impl Iterator<Item = &OutboxEntry> {
        self.entries.values()
    }

    /// The ops on one unit, in device_seq order: the order the optimistic view replays them in.
    pub fn for_unit<'a>(&'a self, unit: &'a UnitKey) -> impl Iterator<Item = &'a OutboxEntry> + 'a {
        self.entries.values().filter(move |entry| entry.op.unit == *unit)
    }

    /// Ops not yet acknowledged: what the next push sends.
    pub fn unacknowledged(&self) -> impl Iterator<Item = &OutboxEntry> {
        self.entries.values().filter(|entry| !matches!(entry.delivery, Delivery::Acked { .. }))
    }

    pub fn find(&self, op_id: Uuid) -> Option<&OutboxEntry> {
        self.entries.values().find(|entry| entry.op.op_id == op_id)
    }

    pub(super) fn insert(&mut self, op: PendingOp) {
        self.entries.insert(op.device_seq, OutboxEntry { op, delivery: Delivery::Queued });
    }

    pub(super) fn remove(&mut self, op_id: Uuid) -> Option<OutboxEntry> {
        let device_seq = self.find(op_id)?.op.device_seq;
        self.entries.remove(&device_seq)
    }

    pub(super) fn set_delivery(&mut self, device_seq: u64, delivery: Delivery) {
        if let Some(entry) = self.entries.get_mut(&device_seq) {
            entry.delivery = delivery;
        }
    }

    /// Every op in a push without an answer goes back to the queue (the answer was lost, or the push stopped).
    pub(super) fn requeue_sending(&mut self) {
        for entry in self.entries.values_mut() {
            if entry.delivery == Delivery::Sending {
                entry.delivery = Delivery::Queued;
            }
        }
    }

    /// After a reset the server may have lost acknowledged ops (a restore): all of them are sent again,
    /// and op_id / device_seq deduplication makes that safe.
    pub(super) fn requeue_all(&mut self) {
        for entry in self.entries.values_mut() {
            entry.delivery = Delivery::Queued;
        }
    }

    /// Every op from `device_seq` on goes back to the queue, acknowledged or not.
    pub(super) fn requeue_from(&mut self, device_seq: u64) {
        for entry in self.entries.range_mut(device_seq..).map(|(_, entry)| entry) {
            entry.delivery = Delivery::Queued;
        }
    }

    /// Acked ops whose event the cursor has passed are in the confirmed state now: the outbox lets them go,
    /// and returns them (for the journal).
    pub(super) fn drop_acked_through(&mut self, cursor: u64) -> Vec<PendingOp> {
        let passed: Vec<u64> = self
            .entries
            .iter()
            .filter(|(_, entry)| matches!(entry.delivery, Delivery::Acked { seq } if seq <= cursor))
            .map(|(device_seq, _)| *device_seq)
            .collect();
        passed.iter().filter_map(|device_seq| self.entries.remove(device_seq)).map(|entry| entry.op).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Delivery;

    #[test]
    fn a_delivery_reads_back_and_an_ack_needs_its_seq() {
        for delivery in [Delivery::Queued, Delivery::Sending, Delivery::Acked { seq: 9 }] {
            let text = serde_json::to_string(&delivery).unwrap();
            assert_eq!(serde_json::from_str::<Delivery>(&text).unwrap(), delivery, "{text}");
        }
        let error = serde_json::from_str::<Delivery>(r#"{"kind":"acked"}"#).unwrap_err().to_string();
        assert!(error.contains("missing field `seq`"), "{error}");
        assert!(serde_json::from_str::<Delivery>(r#"{"kind":"lost"}"#).is_err());
    }
}
