//! The line screen's plain logic: packaging orders and this tablet's serial block as the device keeps them,
//! taking the next (or a scanned) serial out of the block, the `commission` command an order makes, and the
//! progress line in words. Tested natively; the screen and IndexedDB only wire it up.

use crate::lookup_key::unit_key;
use serde::{Deserialize, Deserializer, Serialize};
use serialtrack_shared::ids::Lot;
use serialtrack_shared::sync::{Delivery, OutboxEntry};
use serialtrack_shared::unit::UnitCommand;

/// How many serials "Reserve serials for this tablet" asks for unless the operator says otherwise.
pub const DEFAULT_BLOCK_SIZE: u32 = 200;
/// How many of the last commissioned units the line screen lists.
pub const LAST_UNITS_SHOWN: usize = 5;

/// An order's serial counts as the server last said them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderCounts {
    pub assigned: u64,
    pub reserved: u64,
    pub commissioned: u64,
}

/// A packaging order as the server sent it (`GET /orders`), kept in IndexedDB so the line works offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    pub kind: String,
    #[serde(deserialize_with = "id_text")]
    pub product_id: String,
    pub code: String,
    pub gtin: Option<String>,
    pub product_name: String,
    pub lot: String,
    /// `YYYY-MM-DD`.
    pub expiry: String,
    pub line: Option<String>,
    pub quantity: u64,
    pub reference: Option<String>,
    pub status: String,
    pub created_at: String,
    #[serde(default)]
    pub counts: OrderCounts,
}

/// Ids may come as numbers or text; the device keeps them as text (IndexedDB keys, URLs).
fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(text) => Ok(text),
        other => Ok(other.to_string()),
    }
}

impl OrderRecord {
    /// The title of the order in lists: "Lot L-2026-11 · Line 3 · 1,000 packs".
    pub fn title(&self) -> String {
        let line = self.line.as_deref().map(|line| format!(" · {line}")).unwrap_or_default();
        format!("{} · lot {}{line} · {} packs", self.product_name, self.lot, self.quantity)
    }

    /// The `commission` command every unit of this order gets: the order's lot and expiry, the line as location.
    pub fn commission_command(&self) -> Result<UnitCommand, String> {
        let lot = Lot::parse(&self.lot).map_err(|error| format!("The order's lot is not valid: {error}."))?;
        let expiry = iso_date(&self.expiry).ok_or_else(|| {
            format!("The order's expiry '{}' is not a date (YYYY-MM-DD): refresh the orders.", self.expiry)
        })?;
        Ok(UnitCommand::Commission { lot: Some(lot), expiry: Some(expiry), location: self.line.clone(), owner: None })
    }

    /// The GTIN units of this order are keyed by; a product without one cannot be commissioned on the line yet.
    pub fn unit_gtin(&self) -> Result<&str, String> {
        self.gtin.as_deref().ok_or_else(|| {
            format!("{} has no GTIN: commission its units with the order's label file, not from a tablet.", self.code)
        })
    }
}

fn iso_date(text: &str) -> Option<time::Date> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = time::Month::try_from(parts.next()?.parse::<u8>().ok()?).ok()?;
    let day = parts.next()?.parse().ok()?;
    time::Date::from_calendar_date(year, month, day).ok()
}

/// The serials of one order this tablet holds: reserved by the server to this device, not yet commissioned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRecord {
    pub order_id: String,
    /// Still to commission, in the server's order.
    pub serials: Vec<String>,
    /// Commissioned from this block on this tablet, oldest first.
    pub commissioned: Vec<String>,
}

impl BlockRecord {
    pub fn new(order_id: &str) -> Self {
        BlockRecord { order_id: order_id.to_owned(), ..BlockRecord::default() }
    }

    /// Adds a newly reserved block (blocks add up); a serial the tablet already holds is not held twice.
    pub fn add(&mut self, reserved: &[String]) {
        let held: std::collections::HashSet<String> = self.serials.iter().cloned().collect();
        self.serials.extend(reserved.iter().filter(|serial| !held.contains(*serial)).cloned());
    }

    /// Takes `wanted` (a scanned serial) or else the next serial out of the block, or says why not.
    pub fn take(&mut self, wanted: Option<&str>) -> Result<String, String> {
        let index = match wanted {
            None if self.serials.is_empty() => {
                return Err("This tablet's block is used up: reserve more serials for this tablet.".into())
            }
            None => 0,
            Some(serial) if self.commissioned.iter().any(|done| done == serial) => {
                return Err(format!("Serial {serial} is already commissioned on this tablet: scan the next pack."))
            }
            Some(serial) => self.serials.iter().position(|held| held == serial).ok_or_else(|| {
                format!(
                    "Serial {serial} is not in this tablet's block: set this pack aside, it may belong to another \
                     tablet or order."
                )
            })?,
        };
        let serial = self.serials.remove(index);
        self.commissioned.push(serial.clone());
        Ok(serial)
    }

    /// Forgets serials the server took back ("Return unused serials").
    pub fn remove(&mut self, returned: &[String]) {
        self.serials.retain(|serial| !returned.contains(serial));
    }

    /// The last commissioned serials, newest first.
    pub fn last_units(&self) -> impl Iterator<Item = &String> {
        self.commissioned.iter().rev().take(LAST_UNITS_SHOWN)
    }
}

/// The serial a scanned label carries, checked against the order's GTIN.
pub fn scanned_serial(input: &str, separator: Option<char>, order: &OrderRecord) -> Result<String, String> {
    let key = unit_key(input, separator)?;
    let gtin = order.unit_gtin()?;
    if key.product.as_str() != gtin {
        return Err(format!("This label is for GTIN {}; the order packs {gtin}: check the label stock.", key.product));
    }
    Ok(key.serial.as_str().to_owned())
}

/// This tablet's commissionings of the block that the server has not confirmed yet (still in the outbox).
pub fn pending_commissions<'a>(outbox: impl Iterator<Item = &'a OutboxEntry>, block: &BlockRecord) -> u64 {
    let mine: std::collections::HashSet<&str> = block.commissioned.iter().map(String::as_str).collect();
    let pending = outbox.filter(|entry| {
        !matches!(entry.delivery, Delivery::Acked { .. })
            && entry.op.command.get("type").and_then(|kind| kind.as_str()) == Some("commission")
            && mine.contains(entry.op.unit.serial.as_str())
    });
    pending.count() as u64
}

/// "Commissioned 12 of 1000 · 188 left in this tablet's block". `pending_here`: commissioned on this tablet
/// and not yet counted by the server.
pub fn progress_words(order: &OrderRecord, pending_here: u64, left: usize) -> String {
    format!(
        "Commissioned {} of {} · {left} left in this tablet's block",
        order.counts.commissioned + pending_here,
        order.quantity
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> OrderRecord {
        serde_json::from_value(serde_json::json!({
            "id": 7, "kind": "packaging", "product_id": "p1", "code": "09506000134352", "gtin": "09506000134352",
            "product_name": "Amoxicillin 500 mg", "lot": "L2611", "expiry": "2028-06-30", "line": "Line 3",
            "quantity": 1000, "reference": null, "status": "released", "created_at": "2026-11-23T10:00:00Z",
            "created_by": "admin", "counts": { "assigned": 1000, "reserved": 200, "commissioned": 10 }
        }))
        .unwrap()
    }

    fn block(serials: &[&str]) -> BlockRecord {
        let mut block = BlockRecord::new("7");
        block.add(&serials.iter().map(|serial| serial.to_string()).collect::<Vec<_>>());
        block
    }

    #[test]
    fn an_order_from_the_server_keeps_a_numeric_id_as_text_and_makes_the_commission_command() {
        let order = order();
        assert_eq!(order.id, "7");
        let UnitCommand::Commission { lot, expiry, location, .. } = order.commission_command().unwrap() else {
            panic!("not a commission")
        };
        assert_eq!(lot.unwrap().as_str(), "L2611");
        assert_eq!(expiry.unwrap().to_string(), "2028-06-30");
        assert_eq!(location.as_deref(), Some("Line 3"));
    }

    #[test]
    fn the_button_takes_serials_in_block_order_and_an_empty_block_says_to_reserve() {
        let mut block = block(&["A1", "A2"]);
        assert_eq!(block.take(None), Ok("A1".into()));
        assert_eq!(block.take(None), Ok("A2".into()));
        assert!(block.take(None).unwrap_err().contains("reserve more"));
        assert_eq!(block.last_units().collect::<Vec<_>>(), ["A2", "A1"]);
    }

    #[test]
    fn a_scanned_serial_outside_the_block_or_already_done_is_refused_in_words() {
        let mut block = block(&["A1", "A2", "A3"]);
        assert_eq!(block.take(Some("A3")), Ok("A3".into()));
        assert!(block.take(Some("A3")).unwrap_err().contains("already commissioned"));
        assert!(block.take(Some("Z9")).unwrap_err().contains("not in this tablet's block"));
        assert_eq!(block.serials, ["A1", "A2"]);
    }

    #[test]
    fn blocks_add_up_without_doubles_and_returned_serials_leave() {
        let mut block = block(&["A1", "A2"]);
        block.add(&["A2".into(), "A3".into()]);
        assert_eq!(block.serials, ["A1", "A2", "A3"]);
        block.remove(&["A1".into(), "A3".into()]);
        assert_eq!(block.serials, ["A2"]);
    }

    #[test]
    fn a_scan_must_carry_the_orders_gtin() {
        let order = order();
        assert_eq!(scanned_serial("(01)09506000134352(21)A7", None, &order), Ok("A7".into()));
        let other = scanned_serial("(01)09506000134376(21)A7", None, &order).unwrap_err();
        assert!(other.contains("the order packs 09506000134352"), "{other}");
        assert!(scanned_serial("(01)09506000134352", None, &order).is_err());
    }

    #[test]
    fn the_progress_counts_the_servers_and_this_tablets_pending_units() {
        assert_eq!(progress_words(&order(), 3, 187), "Commissioned 13 of 1000 · 187 left in this tablet's block");
    }
}
