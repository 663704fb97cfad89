//! A legal hold as it is placed and lifted on the Retention tab: what it covers (a product, one lot of it, one
//! unit by its serial) and why, checked with the shared rules for lots and serials before it is sent; a
//! scanned pack code read into the form's fields; the reason a hold is lifted. The server checks again and
//! decides (docs/RETENTION.md, "The API").

use crate::lookup_key::{patterned_products, read_code, Code};
use crate::model::ProductRecord;
use serde_json::{json, Value};
use serialtrack_shared::ids::{Lot, Serial};

/// What a hold may cover, with its words on the form.
pub const HOLD_SCOPES: [(&str, &str); 3] =
    [("product", "The whole product"), ("lot", "One lot of it"), ("unit", "One unit, by its serial")];

/// The longest reason the server keeps for placing or lifting a hold.
pub const MAX_REASON: usize = 500;

/// A hold as typed: the scope (`product`, `lot` or `unit`), the product chosen, the lot or serial typed, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldDraft {
    pub scope: String,
    pub product_id: String,
    pub lot: String,
    pub serial: String,
    pub reason: String,
}

impl Default for HoldDraft {
    fn default() -> Self {
        Self {
            scope: "product".into(),
            product_id: String::new(),
            lot: String::new(),
            serial: String::new(),
            reason: String::new(),
        }
    }
}

impl HoldDraft {
    /// The body of `POST /retention/holds`; the first thing missing or wrong is the error.
    pub fn body(&self) -> Result<Value, String> {
        if self.product_id.is_empty() {
            return Err("Choose the product the hold is on.".into());
        }
        let reason = checked_reason(&self.reason, "placed")?;
        let product_id = self.product_id.as_str();
        match self.scope.as_str() {
            "lot" => {
                let lot = Lot::parse(self.lot.trim()).map_err(|error| format!("The lot is not right: {error}."))?;
                Ok(json!({ "scope": "lot", "product_id": product_id, "lot": lot.as_str(), "reason": reason }))
            }
            "unit" => {
                let serial =
                    Serial::parse(self.serial.trim()).map_err(|error| format!("The serial is not right: {error}."))?;
                Ok(json!({ "scope": "unit", "product_id": product_id, "serial": serial.as_str(), "reason": reason }))
            }
            _ => Ok(json!({ "scope": "product", "product_id": product_id, "reason": reason })),
        }
    }

    /// Fills the form from a pack's code scanned into the lot or serial field: its product (by GTIN, or by the
    /// pattern of an internal code's serial), its lot and its serial. `Ok(false)`: what was typed is no pack
    /// code and stays as it is, a serial or lot typed by hand; an error names a code of a product this
    /// organisation does not have. Only a code with a GTIN (01) is read as one: a lot such as `10A` would
    /// otherwise be taken for the element string "(10)A".
    pub fn fill_from_scan(&mut self, typed: &str, products: &[ProductRecord]) -> Result<bool, String> {
        let Ok(Some(code)) = read_code(typed, None, &patterned_products(products)) else { return Ok(false) };
        let (product, lot, serial) = match code {
            Code::PatternedSerial { serial, products: matching } if matching.len() == 1 => {
                let code = matching[0].code.as_str().to_owned();
                (products.iter().find(|product| product.code == code), None, Some(serial.as_str().to_owned()))
            }
            Code::PatternedSerial { .. } => return Ok(false),
            Code::Elements(elements) => {
                let value = |ai: &str| elements.iter().find(|element| element.ai == ai).map(|e| e.value.clone());
                let Some(gtin) = value("01") else { return Ok(false) };
                let product = products.iter().find(|product| product.code == gtin).ok_or_else(|| {
                    format!("No product of this organisation has the GTIN {gtin}: choose the product by hand.")
                })?;
                (Some(product), value("10"), value("21"))
            }
        };
        let Some(product) = product else { return Ok(false) };
        product.id.clone_into(&mut self.product_id);
        if let Some(lot) = lot {
            self.lot = lot;
        }
        if let Some(serial) = serial {
            self.serial = serial;
        }
        Ok(true)
    }
}

/// The body of `POST /retention/holds/{id}/lift` from the reason a person gave; `Ok(None)` when they cancelled.
pub fn lift_body(reason: Option<&str>) -> Result<Option<Value>, String> {
    match reason {
        None => Ok(None),
        Some(reason) => Ok(Some(json!({ "reason": checked_reason(reason, "lifted")? }))),
    }
}

/// A reason as typed, trimmed, 1 to [`MAX_REASON`] characters; `done` says what is done to the hold.
fn checked_reason<'a>(reason: &'a str, done: &str) -> Result<&'a str, String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(format!(
            "Say why the hold is {done}, in 1 to {MAX_REASON} characters: the reason goes on the audit trail."
        ));
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, code: &str, schema: &str, scheme: Value) -> ProductRecord {
        ProductRecord {
            id: id.into(),
            code: code.into(),
            code_schema: schema.into(),
            name: format!("Product {code}"),
            serial_source: "generated".into(),
            serial_scheme: scheme,
            available: 0,
            assigned: 0,
            workflow: Default::default(),
            details: Default::default(),
        }
    }

    fn products() -> Vec<ProductRecord> {
        vec![
            product(
                "p1",
                "09506000134352",
                "gtin",
                json!({"kind": "randomised", "alphabet": "0123456789", "length": 12}),
            ),
            product("p2", "CM-500", "internal", json!({"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"})),
        ]
    }

    #[test]
    fn a_hold_is_sent_with_its_scope_or_the_form_says_what_is_missing() {
        let draft = |scope: &str, product_id: &str, lot: &str, serial: &str, reason: &str| HoldDraft {
            scope: scope.into(),
            product_id: product_id.into(),
            lot: lot.into(),
            serial: serial.into(),
            reason: reason.into(),
        };
        let given_then: [(HoldDraft, Result<Value, &str>); 8] = [
            (
                draft("product", "p1", "L1", "", " Recall 2026-14 "),
                Ok(json!({"scope": "product", "product_id": "p1", "reason": "Recall 2026-14"})),
            ),
            (
                draft("lot", "p1", " L1 ", "", "Complaint"),
                Ok(json!({"scope": "lot", "product_id": "p1", "lot": "L1", "reason": "Complaint"})),
            ),
            (
                draft("unit", "p1", "", "ABC123", "Litigation"),
                Ok(json!({"scope": "unit", "product_id": "p1", "serial": "ABC123", "reason": "Litigation"})),
            ),
            (draft("product", "", "", "", "Recall"), Err("Choose the product")),
            (draft("product", "p1", "", "", "  "), Err("Say why the hold is placed")),
            (draft("product", "p1", "", "", &"x".repeat(501)), Err("1 to 500 characters")),
            (draft("lot", "p1", "", "", "Recall"), Err("The lot is not right: a lot cannot be empty")),
            (draft("unit", "p1", "", "ABC 123", "Recall"), Err("The serial is not right")),
        ];
        for (draft, then) in given_then {
            match (draft.body(), then) {
                (Ok(body), Ok(expected)) => assert_eq!(body, expected),
                (Err(error), Err(words)) => assert!(error.contains(words), "{words}: {error}"),
                (got, expected) => panic!("{draft:?}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn a_scanned_pack_code_fills_the_product_lot_and_serial_and_a_typed_serial_stays() {
        // (what the field got, filled?, product, lot, serial afterwards)
        type Then<'a> = (Result<bool, &'a str>, &'a str, &'a str, &'a str);
        let given_then: [(&str, Then); 7] = [
            ("]d2010950600013435221ABC123\u{1d}10L7", (Ok(true), "p1", "L7", "ABC123")),
            ("(01)09506000134352(21)XYZ9", (Ok(true), "p1", "", "XYZ9")),
            ("CM500-2026-0042", (Ok(true), "p2", "", "CM500-2026-0042")),
            ("ABC123", (Ok(false), "", "", "typed")),
            ("10A", (Ok(false), "", "", "typed")),
            ("21XYZ", (Ok(false), "", "", "typed")),
            (
                "(01)09520123456788(21)A1",
                (Err("No product of this organisation has the GTIN 09520123456788"), "", "", "typed"),
            ),
        ];
        for (typed, (filled, product_id, lot, serial)) in given_then {
            let mut draft = HoldDraft { serial: "typed".into(), ..HoldDraft::default() };
            let got = draft.fill_from_scan(typed, &products());
            match (got, filled) {
                (Ok(got), Ok(filled)) => assert_eq!(got, filled, "{typed}"),
                (Err(error), Err(words)) => assert!(error.contains(words), "{typed}: {error}"),
                (got, expected) => panic!("{typed}: got {got:?}, expected {expected:?}"),
            }
            assert_eq!(
                (draft.product_id.as_str(), draft.lot.as_str(), draft.serial.as_str()),
                (product_id, lot, serial)
            );
        }
    }

    #[test]
    fn lifting_needs_a_reason_and_cancelling_sends_nothing() {
        assert_eq!(lift_body(None), Ok(None));
        assert_eq!(lift_body(Some(" Case closed ")), Ok(Some(json!({"reason": "Case closed"}))));
        assert!(lift_body(Some("")).unwrap_err().contains("Say why the hold is lifted"));
    }
}
