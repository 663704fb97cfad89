//! An archive segment's body (docs/RETENTION.md, "Archive segments"): the events of the units archived
//! together and the fields of their audit entries, as one gzipped JSON document. A segment is written once by
//! an archive and rewritten only by a purge that takes units out of it; its SHA-256 is kept beside it, so a
//! body damaged on disk is told apart from one that a purge changed.

use super::{AuditRecord, EventRecord, StoreError};
use flate2::{read::GzDecoder, write::GzEncoder, Compression};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// The units of a segment, each with its events in seq order, and their audit entries' fields in seq order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentBody {
    pub units: Vec<ArchivedUnit>,
    pub entries: Vec<ArchivedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedUnit {
    pub unit_id: String,
    pub events: Vec<ArchivedEvent>,
}

/// An event as the log stored it (its tenant is the segment's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedEvent {
    pub seq: i64,
    pub op_id: String,
    pub op_index: i64,
    pub kind: String,
    pub payload: String,
    pub actor: String,
    pub device_id: Option<String>,
    pub device_seq: Option<i64>,
    pub recorded_at: i64,
}

/// An audit entry's fields from `at` to `reason`: what its `payload_hash` covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedEntry {
    pub seq: i64,
    pub at: i64,
    pub client_time: Option<i64>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub actor_tenant: Option<String>,
    pub device_id: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

impl ArchivedEvent {
    pub fn of(event: EventRecord) -> Self {
        Self {
            seq: event.seq,
            op_id: event.op_id,
            op_index: event.op_index,
            kind: event.kind,
            payload: event.payload,
            actor: event.actor,
            device_id: event.device_id,
            device_seq: event.device_seq,
            recorded_at: event.recorded_at,
        }
    }

    /// The event as the log's record, for a unit's history read from the archive.
    pub fn record(&self, tenant_id: &str, unit_id: &str) -> EventRecord {
        EventRecord {
            tenant_id: tenant_id.to_owned(),
            seq: self.seq,
            op_id: self.op_id.clone(),
            op_index: self.op_index,
            unit_id: unit_id.to_owned(),
            kind: self.kind.clone(),
            payload: self.payload.clone(),
            actor: self.actor.clone(),
            device_id: self.device_id.clone(),
            device_seq: self.device_seq,
            recorded_at: self.recorded_at,
        }
    }
}

impl ArchivedEntry {
    pub fn of(entry: AuditRecord) -> Self {
        Self {
            seq: entry.seq,
            at: entry.at,
            client_time: entry.client_time,
            action: entry.action,
            actor: entry.actor,
            actor_tenant: entry.actor_tenant,
            device_id: entry.device_id,
            object_kind: entry.object_kind,
            object_id: entry.object_id,
            old_value: entry.old_value,
            new_value: entry.new_value,
            reason: entry.reason,
        }
    }

    /// The fields as their hash covers them.
    pub fn payload(&self) -> super::audit::chain::Payload<'_> {
        super::audit::chain::Payload {
            at: self.at,
            client_time: self.client_time,
            action: self.action.as_deref(),
            actor: self.actor.as_deref(),
            actor_tenant: self.actor_tenant.as_deref(),
            device_id: self.device_id.as_deref(),
            object_kind: self.object_kind.as_deref(),
            object_id: self.object_id.as_deref(),
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
            reason: self.reason.as_deref(),
        }
    }
}

/// A body encoded for storage, with its SHA-256 (hex).
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl SegmentBody {
    pub fn events(&self) -> usize {
        self.units.iter().map(|unit| unit.events.len()).sum()
    }

    pub fn encode(&self) -> Result<Encoded, StoreError> {
        let json = serde_json::to_vec(self).map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let mut encoder = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::fast());
        encoder
            .write_all(&json)
            .and_then(|()| encoder.flush())
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let bytes = encoder.finish().map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let sha256 = hex(&Sha256::digest(&bytes));
        Ok(Encoded { bytes, sha256 })
    }

    /// Reads a stored body, checking it against the SHA-256 stored with it.
    pub fn decode(bytes: &[u8], sha256: &str) -> Result<Self, StoreError> {
        if hex(&Sha256::digest(bytes)) != sha256 {
            return Err(StoreError::Corrupt("an archive segment does not match the hash stored with it".into()));
        }
        let mut json = Vec::new();
        GzDecoder::new(bytes).read_to_end(&mut json).map_err(|error| StoreError::Corrupt(error.to_string()))?;
        serde_json::from_slice(&json).map_err(|error| StoreError::Corrupt(error.to_string()))
    }

    /// Takes the units `unit_ids` and their entries out; answers how many events and entries went.
    pub fn take_out(&mut self, unit_ids: &std::collections::HashSet<&str>) -> (usize, usize) {
        let events_before = self.events();
        let entries_before = self.entries.len();
        self.units.retain(|unit| !unit_ids.contains(unit.unit_id.as_str()));
        self.entries.retain(|entry| !entry.object_id.as_deref().is_some_and(|id| unit_ids.contains(id)));
        (events_before - self.events(), entries_before - self.entries.len())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> SegmentBody {
        let event = |seq| ArchivedEvent {
            seq,
            op_id: format!("op-{seq}"),
            op_index: 0,
            kind: "commissioned".into(),
            payload: "{}".into(),
            actor: "ada".into(),
            device_id: None,
            device_seq: None,
            recorded_at: 1,
        };
        let entry = |seq, unit: &str| ArchivedEntry {
            seq,
            at: 5,
            client_time: None,
            action: Some("unit.command".into()),
            actor: Some("user:ada".into()),
            actor_tenant: None,
            device_id: None,
            object_kind: Some("unit".into()),
            object_id: Some(unit.into()),
            old_value: None,
            new_value: Some("{}".into()),
            reason: None,
        };
        SegmentBody {
            units: vec![
                ArchivedUnit { unit_id: "u1".into(), events: vec![event(1), event(3)] },
                ArchivedUnit { unit_id: "u2".into(), events: vec![event(2)] },
            ],
            entries: vec![entry(10, "u1"), entry(11, "u2")],
        }
    }

    #[test]
    fn a_body_reads_back_as_written_and_a_damaged_one_is_refused() {
        let encoded = body().encode().unwrap();
        assert_eq!(SegmentBody::decode(&encoded.bytes, &encoded.sha256).unwrap(), body());
        let mut damaged = encoded.bytes.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 1;
        assert!(SegmentBody::decode(&damaged, &encoded.sha256).is_err());
    }

    #[test]
    fn taking_units_out_takes_their_events_and_entries() {
        let mut body = body();
        let gone = std::collections::HashSet::from(["u1"]);
        assert_eq!(body.take_out(&gone), (2, 1));
        assert_eq!(body.units.len(), 1);
        assert_eq!(body.entries.iter().map(|entry| entry.seq).collect::<Vec<_>>(), vec![11]);
    }
}
