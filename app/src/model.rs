//! The records the app keeps on the device (in IndexedDB) and shows. They are filled from the server's API and
//! read back by every screen, so a screen never waits for the network.

use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::ProductCode;
use serialtrack_shared::unit::WorkflowSettings;

/// A product of the serial number pool, with its pool counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRecord {
    pub id: String,
    /// The product code as its schema writes it (a GTIN-14, a PPN, an internal code like `CM-500`).
    pub code: String,
    /// "GTIN", "NTIN", "PPN" or "Internal".
    pub schema: String,
    pub name: String,
    /// Where the serials come from, in words: "Generated here", "Imported list", "External: SAP ATTP", "Partner: …".
    pub source: String,
    /// The source as the server names it (`generated`, `imported`, `external`, `partner`): decides which pool
    /// actions the product offers. Records stored before it existed read as empty.
    #[serde(default)]
    pub serial_source: String,
    /// The serial scheme in words, e.g. "Randomised, 12 of 0-9A-Z" or "Pattern CM500-{YYYY}-{NNNN}".
    pub serial_scheme: String,
    pub available: u64,
    pub assigned: u64,
    /// Which roles may make a transition, which need approval: the product's own rules, as the server keeps
    /// them. Records stored before it was kept read as the default workflow until the next refresh.
    #[serde(default)]
    pub workflow: WorkflowSettings,
}

/// The workflow a product's units are decided with on this device: the product's own, as the server decides
/// them; the default one for a product the device has not read yet (the server has the last word at push).
pub fn workflow_of(products: &[ProductRecord], product: &ProductCode) -> WorkflowSettings {
    let product = products.iter().find(|record| record.code == product.as_str());
    product.map(|product| product.workflow.clone()).unwrap_or_default()
}

/// One serialized unit as last known on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecord {
    /// `{gtin}/{serial}`: the IndexedDB key.
    pub key: String,
    pub gtin: String,
    pub serial: String,
    /// The lifecycle status in snake_case (`available`, `under_service`, …).
    pub status: String,
    pub product_name: Option<String>,
    pub lot: Option<String>,
    /// `YYYY-MM-DD`.
    pub expiry: Option<String>,
    pub location: Option<String>,
    pub owner: Option<String>,
}

impl UnitRecord {
    pub fn key_for(gtin: &str, serial: &str) -> String {
        format!("{gtin}/{serial}")
    }
}

/// One event of a unit's history, ready to show: who, when, where, what changed and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// The unit's key (`{gtin}/{serial}`); indexed, so a unit's history is one range read.
    pub unit_key: String,
    /// The tenant-wide sequence number of the event (orders the history).
    pub seq: u64,
    /// RFC 3339 time of the event.
    pub at: String,
    pub who: String,
    pub role: Option<String>,
    pub device: Option<String>,
    pub location: Option<String>,
    /// What happened, in words ("Shipped", "Note added").
    pub what: String,
    /// The status change, if any, e.g. "allocated → picked".
    pub change: Option<String>,
    /// Why, in words: a reason, a note, a carrier and tracking number.
    pub why: Option<String>,
}

/// Who is signed in on this device; kept so a signed-in tablet can open the app offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub tenant: String,
    /// The tenant's id: the party of this user's actions (FMD's "same party may undo" rule). Absent on devices
    /// signed in before it was kept; they sign in again to undo a decommissioning.
    #[serde(default)]
    pub tenant_id: Option<String>,
}
