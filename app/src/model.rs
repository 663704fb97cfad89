//! The records the app keeps on the device (in IndexedDB) and shows. They are filled from the server's API and
//! read back by every screen, so a screen never waits for the network.

use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::{CodeSchema, Gtin, ProductCode, Serial};
use serialtrack_shared::serials::SerialPattern;
use serialtrack_shared::unit::{UnitKey, WorkflowSettings};

/// A product of the serial number pool, with its pool counts: facts as the server names them (the screens put
/// them in words, `product_view.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRecord {
    pub id: String,
    /// The product code as its schema writes it (a GTIN-14, a PPN, an internal code like `CM-500`).
    pub code: String,
    /// `gtin`, `ntin`, `ppn` or `internal`. Records stored before it was kept read as empty until the next
    /// refresh.
    #[serde(default)]
    pub code_schema: String,
    pub name: String,
    /// Where the serials come from (`generated`, `imported`, `external`, `partner`): decides which pool
    /// actions the product offers. Records stored before it existed read as empty.
    #[serde(default)]
    pub serial_source: String,
    /// The serial scheme as the server sends it, e.g. `{"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"}`.
    #[serde(default)]
    pub serial_scheme: serde_json::Value,
    pub available: u64,
    pub assigned: u64,
    /// Which roles may make a transition, which need approval: the product's own rules, as the server keeps
    /// them. Records stored before it was kept read as the default workflow until the next refresh.
    #[serde(default)]
    pub workflow: WorkflowSettings,
    /// Attributes, retention and yield range as the server sends them (`{}`: none of them set).
    #[serde(default)]
    pub details: serde_json::Value,
}

impl ProductRecord {
    /// The product's code with its schema, as units name their product.
    pub fn product_code(&self) -> Option<ProductCode> {
        let schema = CodeSchema::from_name(&self.code_schema)?;
        ProductCode::parse(schema, &self.code).ok()
    }

    /// The pattern its serials follow, for a patterned serial scheme.
    pub fn serial_pattern(&self) -> Option<SerialPattern> {
        let field = |name: &str| self.serial_scheme.get(name).and_then(serde_json::Value::as_str);
        (field("kind") == Some("patterned")).then(|| field("template").and_then(|t| SerialPattern::parse(t).ok()))?
    }
}

/// The unit a storage key (`{product code}/{serial}`) names: a GTIN's, or one of a product the device holds
/// (an internal code may itself hold '/', so the products say where the code ends).
pub fn unit_key_of(products: &[ProductRecord], storage_key: &str) -> Option<UnitKey> {
    if let Some((gtin, serial)) = storage_key.split_at_checked(14).filter(|(_, rest)| rest.starts_with('/')) {
        if let Ok(gtin) = Gtin::parse(gtin) {
            return Some(UnitKey::sgtin(&gtin, Serial::parse(&serial[1..]).ok()?));
        }
    }
    products.iter().find_map(|product| {
        let serial = storage_key.strip_prefix(product.code.as_str())?.strip_prefix('/')?;
        Some(UnitKey { product: product.product_code()?, serial: Serial::parse(serial).ok()? })
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_key_names_its_unit_whatever_the_products_code() {
        let coffee = ProductRecord {
            id: "p1".into(),
            code: "CM/500".into(),
            code_schema: "internal".into(),
            name: "Coffee machine".into(),
            serial_source: "generated".into(),
            serial_scheme: serde_json::Value::Null,
            available: 0,
            assigned: 0,
            workflow: WorkflowSettings::default(),
            details: Default::default(),
        };
        let products = [coffee];
        let gtin = unit_key_of(&products, "09506000134352/A/1").unwrap();
        assert_eq!((gtin.product.gtin().unwrap().as_str(), gtin.serial.as_str()), ("09506000134352", "A/1"));
        let internal = unit_key_of(&products, "CM/500/CM500-2026-0001").unwrap();
        assert_eq!((internal.product.as_str(), internal.serial.as_str()), ("CM/500", "CM500-2026-0001"));
        assert_eq!(internal.product.schema(), CodeSchema::Internal);
        assert_eq!(unit_key_of(&products, "XY-1/CM500-2026-0001"), None, "a product the device does not hold");
    }
}
