//! The device's IndexedDB store in a real (headless) Chromium: round trips, replace-all, history order,
//! sign-out clearing, and data surviving a close and reopen (a reload).
#![cfg(target_arch = "wasm32")]

use serialtrack_app::db::LocalDb;
use serialtrack_app::model::{HistoryRecord, ProductRecord, SignedInUser, UnitRecord};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name(test: &str) -> String {
    format!("serialtrack-test-{test}-{}", js_sys::Math::random())
}

fn product(id: &str, code: &str) -> ProductRecord {
    ProductRecord {
        id: id.into(),
        code: code.into(),
        code_schema: "gtin".into(),
        name: format!("Product {code}"),
        serial_source: "generated".into(),
        serial_scheme: serde_json::json!({"kind": "randomised", "alphabet": "0123456789", "length": 12}),
        available: 10,
        assigned: 5,
        workflow: Default::default(),
        details: Default::default(),
    }
}

fn unit(serial: &str) -> UnitRecord {
    UnitRecord {
        key: UnitRecord::key_for("09506000134352", serial),
        gtin: "09506000134352".into(),
        serial: serial.into(),
        status: "shipped".into(),
        product_name: Some("Paracetamol".into()),
        lot: Some("L1".into()),
        expiry: Some("2028-12-31".into()),
        location: None,
        owner: None,
    }
}

fn entry(serial: &str, seq: u64, what: &str) -> HistoryRecord {
    HistoryRecord {
        unit_key: UnitRecord::key_for("09506000134352", serial),
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

#[wasm_bindgen_test]
async fn products_are_replaced_as_a_whole() {
    let db = LocalDb::open(&fresh_name("products")).await.unwrap();
    db.put_products(&[product("a", "1"), product("b", "2")]).await.unwrap();
    db.put_products(&[product("c", "3")]).await.unwrap();
    let products = db.products().await.unwrap();
    assert_eq!(products, vec![product("c", "3")]);
}

#[wasm_bindgen_test]
async fn a_products_new_counts_replace_only_that_product_and_survive_a_reopen() {
    let name = fresh_name("product-counts");
    let db = LocalDb::open(&name).await.unwrap();
    db.put_products(&[product("a", "1"), product("b", "2")]).await.unwrap();
    let generated = ProductRecord { available: 50_010, ..product("a", "1") };
    db.put_product(&generated).await.unwrap();
    db.close();
    let reopened = LocalDb::open(&name).await.unwrap();
    let mut products = reopened.products().await.unwrap();
    products.sort_by(|left, right| left.id.cmp(&right.id));
    assert_eq!(products, vec![generated, product("b", "2")]);
}

#[wasm_bindgen_test]
async fn a_product_stored_before_its_serial_source_was_kept_still_reads() {
    let db = LocalDb::open(&fresh_name("old-product")).await.unwrap();
    let mut old = serde_json::to_value(product("a", "1")).unwrap();
    old.as_object_mut().unwrap().remove("serial_source");
    let old: ProductRecord = serde_json::from_value(old).unwrap();
    assert_eq!(old.serial_source, "");
    db.put_product(&old).await.unwrap();
    assert_eq!(db.products().await.unwrap(), vec![old]);
}

#[wasm_bindgen_test]
async fn a_units_history_comes_back_newest_first_and_only_its_own() {
    let db = LocalDb::open(&fresh_name("history")).await.unwrap();
    db.put_unit_with_history(&unit("A"), &[entry("A", 3, "Shipped"), entry("A", 1, "Commissioned")]).await.unwrap();
    db.put_unit_with_history(&unit("A"), &[entry("A", 12, "Delivered"), entry("A", 3, "Shipped")]).await.unwrap();
    db.put_unit_with_history(&unit("AB"), &[entry("AB", 2, "Other unit")]).await.unwrap();
    let history = db.history(&UnitRecord::key_for("09506000134352", "A")).await.unwrap();
    let seqs: Vec<u64> = history.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![12, 3, 1]);
    assert_eq!(db.unit(&unit("A").key).await.unwrap(), Some(unit("A")));
    assert_eq!(db.unit("nope").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn data_survives_closing_and_reopening_the_database() {
    let name = fresh_name("reopen");
    {
        let db = LocalDb::open(&name).await.unwrap();
        db.put_unit_with_history(&unit("A"), &[]).await.unwrap();
        db.put_unit_with_history(&unit("B"), &[]).await.unwrap();
        let user = SignedInUser {
            username: "op".into(),
            display_name: "Op".into(),
            role: "operator".into(),
            tenant: "T".into(),
            tenant_id: Some("t1".into()),
        };
        db.set_meta("user", &user).await.unwrap();
    }
    let reopened = LocalDb::open(&name).await.unwrap();
    assert_eq!(reopened.unit_count().await.unwrap(), 2);
    let user: Option<SignedInUser> = reopened.meta("user").await.unwrap();
    assert_eq!(user.map(|u| u.username), Some("op".to_owned()));
    let missing: Option<String> = reopened.meta("never-set").await.unwrap();
    assert_eq!(missing, None);
}

#[wasm_bindgen_test]
async fn signing_out_clears_every_store() {
    let db = LocalDb::open(&fresh_name("clear")).await.unwrap();
    db.put_products(&[product("a", "1")]).await.unwrap();
    db.put_unit_with_history(&unit("A"), &[entry("A", 1, "Commissioned")]).await.unwrap();
    db.set_meta("last_refreshed", &"2026-11-23T10:00:00Z").await.unwrap();
    db.clear_all().await.unwrap();
    assert!(db.products().await.unwrap().is_empty());
    assert_eq!(db.unit_count().await.unwrap(), 0);
    assert!(db.history(&unit("A").key).await.unwrap().is_empty());
    assert_eq!(db.meta::<String>("last_refreshed").await.unwrap(), None);
}
