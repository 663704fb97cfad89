//! Every validated identifier refuses, when deserialised, exactly what its `parse` refuses: JSON from a device,
//! a request or a stored row can never hold an identifier its constructor would not build.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serialtrack_shared::ids::{Gln, Gtin, Lot, ProductCode, Serial, Sscc};
use serialtrack_shared::unit::UnitKey;

/// Given this JSON, when it is read as `T`, then it is refused.
fn refused<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> Option<String> {
    match serde_json::from_str::<T>(json) {
        Ok(value) => Some(format!("{} accepted {json} as {value:?}", std::any::type_name::<T>())),
        Err(_) => None,
    }
}

/// Given this JSON, when it is read as `T` and written again, then it reads back the same.
fn round_trips<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(json: &str) -> Option<String> {
    match serde_json::from_str::<T>(json) {
        Ok(value) => {
            let again: T = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
            (again != value).then(|| format!("{json} did not read back the same"))
        }
        Err(error) => Some(format!("{} refused {json}: {error}", std::any::type_name::<T>())),
    }
}

#[test]
fn every_identifier_refuses_bad_json_and_keeps_good_json() {
    let failures: Vec<String> = [
        // GTIN: wrong check digit, letters, wrong length, not a string.
        refused::<Gtin>(r#""09506000134353""#),
        refused::<Gtin>(r#""0950600013435A""#),
        refused::<Gtin>(r#""123""#),
        refused::<Gtin>("9506000134352"),
        round_trips::<Gtin>(r#""09506000134352""#),
        // SSCC and GLN: wrong check digit, wrong length.
        refused::<Sscc>(r#""106141411234567898""#),
        refused::<Sscc>(r#""10614141123456789""#),
        round_trips::<Sscc>(r#""106141411234567897""#),
        refused::<Gln>(r#""9506000134353""#),
        refused::<Gln>(r#""950600013435""#),
        round_trips::<Gln>(r#""9506000134352""#),
        // Serial and lot: empty, too long, outside CSET 82, a NUL.
        refused::<Serial>(r#""""#),
        refused::<Serial>(r#""ABCDEFGHIJKLMNOPQRSTU""#),
        refused::<Serial>(r#""a#b""#),
        refused::<Serial>(r#""A\u0000B""#),
        round_trips::<Serial>(r#""7349ARXHCJ9D""#),
        refused::<Lot>(r#""L 1""#),
        refused::<Lot>(r#""""#),
        round_trips::<Lot>(r#""L1""#),
        // Product codes: the code must pass its schema's rules; the schema must be one of the four.
        refused::<ProductCode>(r#"{"schema":"gtin","code":"not a gtin!"}"#),
        refused::<ProductCode>(r#"{"schema":"ntin","code":"09506000134353"}"#),
        refused::<ProductCode>(r#"{"schema":"ppn","code":"ab12"}"#),
        refused::<ProductCode>(r#"{"schema":"internal","code":""}"#),
        refused::<ProductCode>(r#"{"schema":"internal","code":"CM 500 with spaces"}"#),
        refused::<ProductCode>(r#"{"schema":"ean","code":"09506000134352"}"#),
        refused::<ProductCode>(r#"{"schema":"gtin","code":"09506000134352","extra":1}"#),
        round_trips::<ProductCode>(r#"{"schema":"gtin","code":"09506000134352"}"#),
        round_trips::<ProductCode>(r#"{"schema":"internal","code":"CM-500"}"#),
        // A unit key carries both: a bad product code or serial inside it is refused too.
        refused::<UnitKey>(r#"{"product":{"schema":"gtin","code":"not a gtin!"},"serial":"A1"}"#),
        refused::<UnitKey>(r#"{"product":{"schema":"gtin","code":"09506000134352"},"serial":"a#b"}"#),
        round_trips::<UnitKey>(r#"{"product":{"schema":"gtin","code":"09506000134352"},"serial":"A1"}"#),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
