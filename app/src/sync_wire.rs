//! The server's sync-related JSON as the device needs it: a snapshot page (the server's own shape) turned into
//! the shared `SnapshotPage`, a looked-up unit turned into a `ConfirmedUnit`, and which pulled events a device
//! keeps under its "what this device keeps" setting. Plain logic, tested natively.

use crate::model::UnitRecord;
use crate::replica_parts::storage_key;
use serde::{Deserialize, Serialize};
use serialtrack_shared::sync::{ConfirmedUnit, SnapshotPage, SnapshotUnit, WireEvent};
use serialtrack_shared::unit::Unit;
use uuid::Uuid;

/// What this device keeps in IndexedDB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepMode {
    /// The units this device looked up, and whatever happens to them afterwards.
    #[default]
    UnitsIOpen,
    /// Every unit of the tenant, bootstrapped from the snapshot and kept current by pulling.
    AllUnits,
}

impl KeepMode {
    pub fn label(self) -> &'static str {
        match self {
            KeepMode::UnitsIOpen => "Units I open",
            KeepMode::AllUnits => "All units",
        }
    }
}

/// A unit as `/api/v1/snapshot` shows it; `state` is the shared `Unit` as JSON, kept as text until it is read
/// once, straight into a `Unit` (a page carries a thousand: no map of values is built for each).
#[derive(Debug, Clone, Deserialize)]
pub struct UnitView {
    pub id: String,
    pub serial: String,
    #[serde(default)]
    pub lot: Option<String>,
    pub status: String,
    #[serde(default)]
    pub state: Option<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    pub last_seq: u64,
}

impl UnitView {
    /// The confirmed unit, when the server's state is readable by this build.
    pub fn confirmed(self) -> Option<ConfirmedUnit> {
        let unit: Unit = serde_json::from_str(self.state?.get()).ok()?;
        Some(ConfirmedUnit { unit, last_seq: self.last_seq })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SnapshotEntry {
    pub unit: UnitView,
    /// Each event view as text, read once into a history line.
    #[serde(default)]
    pub history: Vec<Box<serde_json::value::RawValue>>,
}

/// One page of `GET /api/v1/snapshot`.
#[derive(Debug, Clone, Deserialize)]
pub struct SnapshotView {
    pub log_epoch: Uuid,
    pub as_of_seq: u64,
    pub units: Vec<SnapshotEntry>,
    #[serde(default)]
    pub next_after: Option<String>,
    pub has_more: bool,
}

/// A snapshot page as the device folds it in: the shared page, and each of its units' history views by the
/// unit's storage key.
pub struct SnapshotParts {
    pub page: SnapshotPage,
    pub history: Vec<(String, Vec<Box<serde_json::value::RawValue>>)>,
}

impl SnapshotView {
    /// The shared page, read as of the *first* page's `as_of_seq`: the device pulls from there afterwards and
    /// skips a unit's events at or below that unit's `last_seq`. Units this build cannot read are left out.
    /// Each unit's state is read once, moved out of the view (a page holds hundreds).
    pub fn into_parts(self, first_as_of_seq: u64) -> SnapshotParts {
        let mut units = Vec::with_capacity(self.units.len());
        let mut history = Vec::with_capacity(self.units.len());
        for entry in self.units {
            let Some(confirmed) = entry.unit.confirmed() else { continue };
            history.push((storage_key(&confirmed.unit.key), entry.history));
            units.push(SnapshotUnit { last_seq: confirmed.last_seq, unit: confirmed.unit });
        }
        let page = SnapshotPage {
            as_of_seq: first_as_of_seq,
            log_epoch: self.log_epoch,
            units,
            next_after: None,
            has_more: self.has_more,
        };
        SnapshotParts { page, history }
    }
}

/// Whether a pulled event concerns this device: a unit it holds, or (keeping all units) a new unit.
pub fn keeps_event(event: &WireEvent, mode: KeepMode, holds: impl Fn(&str) -> bool) -> bool {
    if holds(&storage_key(&event.unit)) {
        return true;
    }
    let commissions = event.event.pointer("/event/what/type").and_then(|kind| kind.as_str()) == Some("commission");
    mode == KeepMode::AllUnits && commissions
}

/// The record the screens show for a unit, from its (optimistic or confirmed) state. The product's name is
/// kept from what the device knew.
pub fn unit_record(unit: &Unit, product_name: Option<String>) -> UnitRecord {
    UnitRecord {
        key: storage_key(&unit.key),
        gtin: unit.key.product.as_str().to_owned(),
        serial: unit.key.serial.as_str().to_owned(),
        status: unit.status.code().to_owned(),
        product_name,
        lot: unit.lot.as_ref().map(|lot| lot.as_str().to_owned()),
        expiry: unit.expiry.map(|date| date.to_string()),
        location: unit.location.clone(),
        owner: unit.owner.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn unit_state(serial: &str, status: &str) -> serde_json::Value {
        json!({
            "key": {"product": {"schema": "gtin", "code": "09506000134352"}, "serial": serial},
            "status": status, "lot": null, "expiry": null, "location": "Line 1", "owner": null, "parent": null,
            "order": null, "decommissioned": null, "ever_recalled": false, "replaced_by": null,
            "commissioned_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 2
        })
    }

    #[test]
    fn a_snapshot_page_keeps_the_first_pages_seq_and_each_units_own() {
        let view: SnapshotView = serde_json::from_str(&json!({
            "log_epoch": "7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f",
            "as_of_seq": 120,
            "units": [{"unit": {"id": "u1", "product_id": "p1", "serial": "A1", "lot": null, "status": "shipped",
                                "state": unit_state("A1", "shipped"), "version": 2, "last_seq": 118,
                                "updated_at": "2026-11-20T09:00:00Z"}, "history": []},
                      {"unit": {"id": "u2", "serial": "A2", "status": "odd", "state": {"unknown": 1}, "last_seq": 5}}],
            "next_after": "u2",
            "has_more": true
        })
        .to_string())
        .unwrap();
        let SnapshotParts { page, history } = view.into_parts(100);
        assert_eq!((page.as_of_seq, page.has_more, page.units.len()), (100, true, 1));
        let keys: Vec<(&str, usize)> = history.iter().map(|(key, events)| (key.as_str(), events.len())).collect();
        assert_eq!(keys, [("09506000134352/A1", 0)]);
        assert_eq!(page.units[0].last_seq, 118);
        let record = unit_record(&page.units[0].unit, Some("Paracetamol".into()));
        assert_eq!(record.key, "09506000134352/A1");
        assert_eq!((record.status.as_str(), record.location.as_deref()), ("shipped", Some("Line 1")));
    }

    #[test]
    fn a_device_keeping_units_it_opens_ignores_events_of_other_units() {
        let event: WireEvent = serde_json::from_value(json!({
            "seq": 7, "op_id": "7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f",
            "unit": {"product": {"schema": "gtin", "code": "09506000134352"}, "serial": "B9"},
            "event": {"event": {"what": {"type": "commission"}}}
        }))
        .unwrap();
        assert!(!keeps_event(&event, KeepMode::UnitsIOpen, |_| false));
        assert!(keeps_event(&event, KeepMode::UnitsIOpen, |key| key == "09506000134352/B9"));
        assert!(keeps_event(&event, KeepMode::AllUnits, |_| false));
    }
}
