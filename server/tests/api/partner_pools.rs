//! Partner pools: serials a brand owner assigns to its CMO become Available in the CMO's own pool, under the
//! CMO's copy of the product; the owner takes back only what the CMO still has Available; and the CMO reads
//! nothing else of the owner's.

use crate::helpers::{spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use std::collections::HashMap;

const GTIN: &str = "9520123456788";

/// Tenant A's product with serials `GIVE01..=GIVE10` (assigned first, so they go to the partner) and
/// `KEEP01..=KEEP05`; returns the product id.
async fn owner_product(app: &TestApp) -> String {
    let product_id = app.a_product(GTIN, "Pill").await;
    let serials: Vec<String> =
        (1..=10).map(|n| format!("GIVE{n:02}")).chain((1..=5).map(|n| format!("KEEP{n:02}"))).collect();
    app.pool_import(Role::Admin, &product_id, json!({ "serials": serials })).await.expect(201);
    product_id
}

async fn assign_to(app: &TestApp, product_id: &str, partner_id: &str, count: u32) -> Vec<String> {
    let body = json!({"count": count, "assigned_to": "CMO batch", "partner_tenant_id": partner_id});
    let answer = app.post_as(Role::Supervisor, &format!("/products/{product_id}/pool/assign"), body).await;
    let serials = answer.expect(200)["serials"].as_array().expect("serials").clone();
    serials.iter().map(|serial| serial.as_str().unwrap_or_default().to_owned()).collect()
}

async fn call_as(app: &TestApp, key: &str, method: Method, path: &str, body: Option<Value>) -> crate::helpers::Answer {
    app.call(method, path, Some(key), body).await
}

/// (available, assigned) of the caller's only product.
async fn counts(app: &TestApp, key: &str) -> (i64, i64) {
    let answer = call_as(app, key, Method::GET, "/pool/counts", None).await;
    let product = &answer.expect(200)["products"][0];
    (product["available"].as_i64().unwrap_or(-1), product["assigned"].as_i64().unwrap_or(-1))
}

/// A serial's pool history as the caller sees it: "action" by "detail" per line (JSON-quoted).
async fn pool_history(app: &TestApp, key: &str, product_id: &str, serial: &str) -> Vec<String> {
    let path = format!("/products/{product_id}/pool/serials/{serial}");
    let answer = call_as(app, key, Method::GET, &path, None).await;
    let actions = answer.expect(200)["history"].as_array().cloned().unwrap_or_default();
    actions.iter().map(|a| format!("{} {} {}", a["action"], a["by"], a["detail"])).collect()
}

#[tokio::test]
async fn assigned_serials_arrive_available_in_the_partners_own_copy_of_the_product() {
    let app = spawn_app().await;
    let (partner_id, partner_keys) = app.a_partner().await;
    let product_id = owner_product(&app).await;
    assert_eq!(assign_to(&app, &product_id, &partner_id, 4).await, ["GIVE01", "GIVE02", "GIVE03", "GIVE04"]);

    let partner = &partner_keys[&Role::Admin];
    let products = call_as(&app, partner, Method::GET, "/products", None).await;
    let products = products.expect(200)["products"].as_array().expect("products").clone();
    assert_eq!(products.len(), 1, "{products:?}");
    let copy = &products[0];
    assert_eq!((copy["gtin"].as_str(), copy["name"].as_str()), (Some("09520123456788"), Some("Pill")));
    assert_eq!(copy["serial_source"], "partner");
    assert_ne!(copy["id"], product_id.as_str(), "the partner's own product, not the owner's");
    assert_eq!(counts(&app, partner).await, (4, 0));
    assert_eq!(counts(&app, app.key(Role::Admin)).await, (11, 4), "the owner sees them as assigned");
    // Each side's pool history: the owner's says to whom and by whom; the partner's only from whom.
    let owner_history = pool_history(&app, app.key(Role::Admin), &product_id, "GIVE01").await;
    assert_eq!(owner_history.len(), 2, "{owner_history:?}");
    assert!(owner_history[0].starts_with(r#""imported" "key:"#), "{owner_history:?}");
    assert!(owner_history[1].starts_with(r#""assigned" "key:"#), "{owner_history:?}");
    assert!(owner_history[1].ends_with(r#""to CMO batch""#), "{owner_history:?}");
    let copy_id = copy["id"].as_str().unwrap_or_default().to_owned();
    let partner_history = pool_history(&app, partner, &copy_id, "GIVE01").await;
    assert_eq!(partner_history.len(), 1, "{partner_history:?}");
    assert!(partner_history[0].starts_with(r#""received" null "from "#), "{partner_history:?}");

    assign_to(&app, &product_id, &partner_id, 2).await;
    let products = call_as(&app, partner, Method::GET, "/products", None).await;
    assert_eq!(products.expect(200)["products"].as_array().map(Vec::len), Some(1), "the copy is made once");
    assert_eq!(counts(&app, partner).await, (6, 0));
}

#[tokio::test]
async fn the_owner_takes_back_only_what_the_partner_still_has_available() {
    let app = spawn_app().await;
    let (partner_id, partner_keys) = app.a_partner().await;
    let product_id = owner_product(&app).await;
    assign_to(&app, &product_id, &partner_id, 5).await;
    let partner = &partner_keys[&Role::Supervisor];
    let products = call_as(&app, partner, Method::GET, "/products", None).await;
    let copy_id = products.expect(200)["products"][0]["id"].as_str().expect("an id").to_owned();
    let order = json!({"count": 2, "assigned_to": "CMO packaging order"});
    let held = call_as(&app, partner, Method::POST, &format!("/products/{copy_id}/pool/assign"), Some(order)).await;
    assert_eq!(held.expect(200)["serials"], json!(["GIVE01", "GIVE02"]));

    let release = |serials: &[&str]| Some(json!({ "serials": serials }));
    let everything = ["GIVE01", "GIVE02", "GIVE03", "GIVE04", "GIVE05"];
    let owner_path = format!("/products/{product_id}/pool/release");
    let refused = call_as(&app, app.key(Role::Admin), Method::POST, &owner_path, release(&everything)).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (409, "release_refused"), "{}", refused.text);
    let errors = refused.body["errors"].as_array().cloned().unwrap_or_default();
    let listed: Vec<&str> = errors.iter().filter_map(|e| e["value"].as_str()).collect();
    assert_eq!(listed, ["GIVE01", "GIVE02"], "only the serials the partner holds: {}", refused.text);
    for error in &errors {
        assert!(error["problem"].as_str().unwrap_or("").contains("the partner has assigned it"), "{error}");
    }
    assert_eq!(counts(&app, partner).await, (3, 2), "nothing was taken back");

    let taken = call_as(&app, app.key(Role::Admin), Method::POST, &owner_path, release(&everything[2..])).await;
    assert_eq!(taken.expect(200)["released"], 3);
    assert_eq!(counts(&app, partner).await, (0, 2));
    assert_eq!(counts(&app, app.key(Role::Admin)).await, (13, 2));

    let partner_path = format!("/products/{copy_id}/pool/release");
    let own = call_as(&app, partner, Method::POST, &partner_path, release(&everything[..2])).await;
    assert_eq!((own.status.as_u16(), own.code()), (409, "release_refused"), "{}", own.text);
    assert!(own.text.contains("only they can release it"), "{}", own.text);
}

#[tokio::test]
async fn a_partner_reads_nothing_of_the_owner_beyond_the_serials_it_was_given() {
    let app = spawn_app().await;
    let (partner_id, partner_keys) = app.a_partner().await;
    let product_id = owner_product(&app).await;
    assign_to(&app, &product_id, &partner_id, 3).await;
    app.units_register(Role::Operator, json!({"product_id": product_id, "serials": ["MAHUNIT1"]})).await.expect(201);
    let unit = app.units_lookup(Role::Auditor, &format!("?gtin={GTIN}&serial=MAHUNIT1")).await;
    let unit_id = unit.expect(200)["id"].as_str().expect("a unit id").to_owned();
    let markers = ["KEEP01", "GIVE04", "MAHUNIT1", unit_id.as_str()];

    let ids = HashMap::from([("{product_id}", product_id.as_str()), ("{unit_id}", unit_id.as_str())]);
    for (method, path) in app.documented_operations().await {
        if method != Method::GET {
            continue;
        }
        let mut relative = path.strip_prefix("/api/v1").unwrap_or(&path).to_owned();
        for (placeholder, id) in &ids {
            relative = relative.replace(placeholder, id);
        }
        let relative = match relative.as_str() {
            "/units" => format!("/units?gtin={GTIN}&serial=MAHUNIT1"),
            extra if extra.ends_with("/pool/extra") => format!("{extra}?serials=KEEP01,GIVE01"),
            _ => relative,
        };
        for role in [Role::Admin, Role::Auditor] {
            let answer = call_as(&app, &partner_keys[&role], method.clone(), &relative, None).await;
            // A 404 may repeat what was asked for; anything else of the owner's is a leak.
            for marker in markers.iter().filter(|marker| !relative.contains(**marker)) {
                assert!(!answer.text.contains(marker), "GET {relative} as CMO {role} leaked {marker}: {}", answer.text);
            }
            if path.contains('{') || relative.starts_with("/units?") {
                let status = answer.status.as_u16();
                assert!(
                    [403, 404].contains(&status),
                    "GET {relative} as CMO {role} answered {status}: {}",
                    answer.text
                );
            }
            if !relative.starts_with("/pool/partner_serials") {
                assert!(
                    !answer.text.contains(&product_id),
                    "GET {relative} named the owner's product: {}",
                    answer.text
                );
            }
        }
    }
    let given = call_as(&app, &partner_keys[&Role::Auditor], Method::GET, "/pool/partner_serials", None).await;
    let given: Vec<&str> =
        given.body["serials"].as_array().into_iter().flatten().filter_map(|row| row["serial"].as_str()).collect();
    assert_eq!(given, ["GIVE01", "GIVE02", "GIVE03"]);
}

#[tokio::test]
async fn each_side_lists_the_other_as_its_partner_by_name_and_a_stranger_sees_none() {
    let app = spawn_app().await;
    let (partner_id, partner_keys) = app.a_partner().await;
    let listed = app.get_as(Role::Operator, "/partners").await;
    let listed = listed.expect(200)["partners"].as_array().expect("partners").clone();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], partner_id.as_str());
    assert!(listed[0]["name"].as_str().is_some_and(|name| !name.is_empty()));
    let back = call_as(&app, &partner_keys[&Role::Operator], Method::GET, "/partners", None).await;
    assert_eq!(back.expect(200)["partners"][0]["id"], app.tenant_id.as_str(), "the CMO sees its brand owner");
    let stranger = call_as(&app, &app.other_keys[&Role::Admin].clone(), Method::GET, "/partners", None).await;
    assert_eq!(stranger.expect(200)["partners"], json!([]));
}
