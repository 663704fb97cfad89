//! Orders: creating one (with generation of the shortfall), listing, reading, its serials, closing, the
//! label file, and a pool serial's history.

use crate::helpers::{spawn_app, Answer, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;

pub const GTIN: &str = "09520123456788";

/// A packaging order of `quantity` serials for the product, on line "L1", lot "LOT1", expiry 2027-03-31.
pub fn packaging(product_id: &str, quantity: u32) -> Value {
    json!({"kind": "packaging", "product_id": product_id, "lot": "LOT1", "expiry": "2027-03-31", "line": "L1",
           "quantity": quantity})
}

/// Creates an order as a supervisor and returns it.
pub async fn an_order(app: &TestApp, body: Value) -> Value {
    app.post_as(Role::Supervisor, "/orders", body).await.expect(201).clone()
}

/// A product (GTIN [`GTIN`]) and a packaging order of `quantity` generated serials: (product id, order id).
pub async fn product_with_order(app: &TestApp, quantity: u32) -> (String, String) {
    let product_id = app.a_product(GTIN, "Pill").await;
    let order = an_order(app, packaging(&product_id, quantity)).await;
    (product_id, order["id"].as_str().expect("an order id").to_owned())
}

pub async fn order_serials(app: &TestApp, order_id: &str) -> Vec<Value> {
    let answer = app.get_as(Role::Auditor, &format!("/orders/{order_id}/serials?limit=10000")).await;
    answer.expect(200)["serials"].as_array().expect("serials").clone()
}

async fn other(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Answer {
    app.call(method, path, Some(&app.other_keys[&Role::Admin]), body).await
}

#[tokio::test]
async fn an_order_generates_its_shortfall_and_holds_exactly_its_quantity() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    app.pool_generate(Role::Admin, &product_id, 30).await.expect(201);
    let order = an_order(&app, packaging(&product_id, 100)).await;
    assert_eq!(order["status"], "released");
    assert_eq!(
        (order["kind"].as_str(), order["line"].as_str(), order["quantity"].as_i64()),
        (Some("packaging"), Some("L1"), Some(100))
    );
    assert_eq!((order["gtin"].as_str(), order["product_name"].as_str()), (Some(GTIN), Some("Pill")));
    assert_eq!(order["counts"], json!({"assigned": 100, "reserved": 0, "commissioned": 0}));
    assert_eq!(order["created_by"], "key:acme-supervisor-key");
    let counts = app.pool_counts(Role::Admin).await;
    let pool = &counts.expect(200)["products"][0];
    assert_eq!(
        (pool["available"].as_i64(), pool["assigned"].as_i64()),
        (Some(0), Some(100)),
        "70 generated, all assigned"
    );
    let id = order["id"].as_str().unwrap();
    let shown = app.get_as(Role::Auditor, &format!("/orders/{id}")).await;
    assert_eq!(shown.expect(200)["counts"]["assigned"], 100);
    let serials = order_serials(&app, id).await;
    assert_eq!(serials.len(), 100);
    let names: Vec<&str> = serials.iter().map(|row| row["serial"].as_str().unwrap()).collect();
    assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "in serial order");
    assert_eq!((serials[0]["device_id"].clone(), serials[0]["unit_status"].clone()), (Value::Null, Value::Null));
    let page = app.get_as(Role::Auditor, &format!("/orders/{id}/serials?limit=10&after={}", names[9])).await;
    assert_eq!(page.expect(200)["serials"][0]["serial"], names[10]);
}

#[tokio::test]
async fn a_short_pool_of_imported_serials_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    app.products_update(Role::Admin, &product_id, json!({"serial_source": "imported"})).await.expect(200);
    let serials: Vec<String> = (0..40).map(|n| format!("IMP{n:03}")).collect();
    app.pool_import(Role::Admin, &product_id, json!({"serials": serials})).await.expect(201);
    let short = app.post_as(Role::Supervisor, "/orders", packaging(&product_id, 100)).await;
    assert_eq!((short.expect(409), short.code()), (&short.body, "pool_short"));
    assert!(short.text.contains("the pool has 40 available serials; the order needs 100"), "{}", short.text);
    let counts = app.pool_counts(Role::Admin).await;
    assert_eq!(counts.expect(200)["products"][0]["available"], 40);
    let list = app.get_as(Role::Auditor, "/orders").await;
    assert_eq!(list.expect(200)["orders"], json!([]));
    let fits = an_order(&app, packaging(&product_id, 40)).await;
    assert_eq!(fits["counts"]["assigned"], 40);
}

#[tokio::test]
async fn bad_orders_are_refused_with_a_code_naming_the_field() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    let with = |field: &str, value: Value| {
        let mut body = packaging(&product_id, 10);
        body[field] = value;
        body
    };
    let cases = [
        (with("quantity", json!(0)), "invalid_quantity"),
        (with("quantity", json!(500_001)), "invalid_quantity"),
        (with("quantity", json!(-1)), "invalid_body"),
        (with("lot", json!("BAD LOT")), "invalid_lot"),
        (with("expiry", json!("31.03.2027")), "invalid_expiry"),
        (with("line", json!(null)), "invalid_line"),
        (with("line", json!("x".repeat(101))), "invalid_line"),
        (with("reference", json!("")), "invalid_reference"),
        (with("kind", json!("shipping")), "invalid_body"),
        (with("colour", json!("red")), "invalid_body"),
    ];
    for (body, code) in cases {
        let answer = app.post_as(Role::Supervisor, "/orders", body.clone()).await;
        assert_eq!((answer.expect(422), answer.code()), (&answer.body, code), "{body}");
    }
    let printing = json!({"kind": "printing", "product_id": product_id, "lot": "L", "expiry": "2027-01-01",
                          "quantity": 5, "reference": "PO-1"});
    let order = an_order(&app, printing).await;
    assert_eq!((order["line"].clone(), order["reference"].as_str()), (Value::Null, Some("PO-1")), "no line needed");
    app.post_as(Role::Supervisor, "/orders", with("product_id", json!("nope"))).await.expect(404);
    app.get_as(Role::Auditor, "/orders?limit=0").await.expect(422);
    app.get_as(Role::Auditor, "/orders?status=open").await.expect(400);
    app.get_as(Role::Auditor, "/orders/nope").await.expect(404);
    app.get_as(Role::Auditor, &format!("/orders/{}/serials?limit=10001", order["id"].as_str().unwrap()))
        .await
        .expect(422);
}

#[tokio::test]
async fn only_supervisors_and_admins_create_and_close_orders() {
    let app = spawn_app().await;
    let (product_id, order_id) = product_with_order(&app, 5).await;
    for role in [Role::Operator, Role::Auditor] {
        app.post_as(role, "/orders", packaging(&product_id, 5)).await.expect(403);
        app.post_as(role, &format!("/orders/{order_id}/close"), json!({})).await.expect(403);
    }
    app.post_as(Role::Admin, "/orders", packaging(&product_id, 5)).await.expect(201);
    app.get_as(Role::Auditor, "/orders").await.expect(200);
}

#[tokio::test]
async fn another_organisation_sees_none_of_the_orders() {
    let app = spawn_app().await;
    let (product_id, order_id) = product_with_order(&app, 5).await;
    let list = other(&app, Method::GET, "/orders", None).await;
    assert_eq!(list.expect(200)["orders"], json!([]));
    for path in
        [format!("/orders/{order_id}"), format!("/orders/{order_id}/serials"), format!("/orders/{order_id}/labels.csv")]
    {
        other(&app, Method::GET, &path, None).await.expect(404);
    }
    other(&app, Method::POST, &format!("/orders/{order_id}/close"), Some(json!({}))).await.expect(404);
    let reserve = json!({"device_id": "tab-x", "count": 1});
    other(&app, Method::POST, &format!("/orders/{order_id}/reserve"), Some(reserve)).await.expect(404);
    other(&app, Method::POST, &format!("/orders/{order_id}/return"), Some(json!({"device_id": "tab-x"})))
        .await
        .expect(404);
    let commission = json!({"serials": ["A"]});
    other(&app, Method::POST, &format!("/orders/{order_id}/commission"), Some(commission)).await.expect(404);
    other(&app, Method::POST, "/orders", Some(packaging(&product_id, 1))).await.expect(404);
    let serial = order_serials(&app, &order_id).await[0]["serial"].as_str().unwrap().to_owned();
    other(&app, Method::GET, &format!("/products/{product_id}/pool/serials/{serial}"), None).await.expect(404);
}

#[tokio::test]
async fn orders_are_listed_newest_first_and_filtered() {
    let app = spawn_app().await;
    let (product_id, first) = product_with_order(&app, 5).await;
    let second = an_order(&app, packaging(&product_id, 5)).await["id"].as_str().unwrap().to_owned();
    let third = an_order(&app, packaging(&product_id, 5)).await["id"].as_str().unwrap().to_owned();
    app.post_as(Role::Supervisor, &format!("/orders/{second}/close"), json!({})).await.expect(200);
    let ids = |answer: &Answer| -> Vec<String> {
        answer.body["orders"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
    };
    let all = app.get_as(Role::Auditor, "/orders").await;
    all.expect(200);
    assert_eq!(ids(&all), [third.clone(), second.clone(), first.clone()]);
    assert_eq!(all.body["orders"][0]["counts"]["assigned"], 5);
    let released = app.get_as(Role::Auditor, "/orders?status=released").await;
    assert_eq!(ids(&released), [third.clone(), first.clone()]);
    let closed = app.get_as(Role::Auditor, &format!("/orders?status=closed&product_id={product_id}")).await;
    assert_eq!(ids(&closed), [second]);
    let page = app.get_as(Role::Auditor, &format!("/orders?limit=1&after={third}")).await;
    assert_eq!(page.body["orders"].as_array().unwrap().len(), 1);
    let none = app.get_as(Role::Auditor, "/orders?product_id=nope").await;
    assert_eq!(ids(&none), Vec::<String>::new());
}

#[tokio::test]
async fn closing_sends_unused_serials_back_but_keeps_reserved_and_commissioned_ones() {
    let app = spawn_app().await;
    let (product_id, order_id) = product_with_order(&app, 10).await;
    let block = app
        .post_as(Role::Operator, &format!("/orders/{order_id}/reserve"), json!({"device_id": "tab-1", "count": 2}))
        .await;
    let reserved: Vec<String> = serde_json::from_value(block.expect(200)["serials"].clone()).unwrap();
    let free: Vec<String> = order_serials(&app, &order_id)
        .await
        .iter()
        .filter(|row| row["device_id"].is_null())
        .map(|row| row["serial"].as_str().unwrap().to_owned())
        .collect();
    let commission = json!({"serials": [free[0], free[1], free[2]]});
    app.post_as(Role::Operator, &format!("/orders/{order_id}/commission"), commission).await.expect(200);
    let closed = app.post_as(Role::Supervisor, &format!("/orders/{order_id}/close"), json!({})).await;
    let closed = closed.expect(200);
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["counts"], json!({"assigned": 5, "reserved": 2, "commissioned": 3}));
    let counts = app.pool_counts(Role::Admin).await;
    let pool = &counts.expect(200)["products"][0];
    assert_eq!((pool["available"].as_i64(), pool["assigned"].as_i64()), (Some(5), Some(5)));
    let again = app.post_as(Role::Supervisor, &format!("/orders/{order_id}/close"), json!({})).await;
    assert_eq!((again.expect(409), again.code()), (&again.body, "order_closed"));
    let more = app
        .post_as(Role::Operator, &format!("/orders/{order_id}/reserve"), json!({"device_id": "tab-1", "count": 1}))
        .await;
    assert_eq!((more.expect(409), more.code()), (&more.body, "order_closed"));
    let commission = json!({"serials": [reserved[0]]});
    let late = app.post_as(Role::Operator, &format!("/orders/{order_id}/commission"), commission).await;
    assert_eq!((late.expect(409), late.code()), (&late.body, "order_closed"));
    let released = &free[5];
    let history = app.get_as(Role::Auditor, &format!("/products/{product_id}/pool/serials/{released}")).await;
    let history = history.expect(200);
    assert_eq!((history["status"].as_str(), history["order_id"].clone()), (Some("available"), Value::Null));
    let actions: Vec<&str> =
        history["history"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["generated", "assigned", "released"]);
}

#[tokio::test]
async fn external_serials_stay_assigned_when_their_order_closes() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    app.products_update(Role::Admin, &product_id, json!({"serial_source": "external"})).await.expect(200);
    let import = json!({"serials": ["X1", "X2"], "source": "external"});
    app.pool_import(Role::Admin, &product_id, import).await.expect(201);
    let order = an_order(&app, packaging(&product_id, 2)).await;
    let id = order["id"].as_str().unwrap();
    let closed = app.post_as(Role::Admin, &format!("/orders/{id}/close"), json!({})).await;
    assert_eq!(closed.expect(200)["counts"]["assigned"], 2);
}

#[tokio::test]
async fn a_printing_order_exports_its_labels_as_csv() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    app.products_update(Role::Admin, &product_id, json!({"serial_source": "imported"})).await.expect(200);
    app.pool_import(Role::Admin, &product_id, json!({"serials": ["A/1", "B,2"]})).await.expect(201);
    let body = json!({"kind": "printing", "product_id": product_id, "lot": "L1", "expiry": "2027-03-31",
                      "quantity": 2});
    let order = an_order(&app, body).await;
    let id = order["id"].as_str().unwrap();
    let csv = app.get_as(Role::Auditor, &format!("/orders/{id}/labels.csv")).await;
    assert_eq!(csv.status.as_u16(), 200);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let disposition = csv.headers["content-disposition"].to_str().unwrap();
    assert_eq!(disposition, format!("attachment; filename=\"order-{id}-labels.csv\""));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(lines[0], "gtin,serial,lot,expiry,element_string,digital_link");
    assert_eq!(
        lines[1],
        format!("{GTIN},A/1,L1,2027-03-31,(01){GTIN}(21)A/1(10)L1(17)270331,https://id.gs1.org/01/{GTIN}/10/L1/21/A%2F1?17=270331")
    );
    assert_eq!(
        lines[2],
        format!("{GTIN},\"B,2\",L1,2027-03-31,\"(01){GTIN}(21)B,2(10)L1(17)270331\",https://id.gs1.org/01/{GTIN}/10/L1/21/B%2C2?17=270331")
    );
    assert_eq!(lines.len(), 3);
}

#[tokio::test]
async fn an_internal_code_product_exports_code_serial_lot_and_expiry_only() {
    let app = spawn_app().await;
    let product =
        app.products_create(Role::Admin, json!({"code_schema": "internal", "code": "KIT-1", "name": "Kit"})).await;
    let product_id = product.expect(201)["id"].as_str().unwrap().to_owned();
    let body =
        json!({"kind": "printing", "product_id": product_id, "lot": "L1", "expiry": "2027-03-31", "quantity": 3});
    let order = an_order(&app, body).await;
    assert_eq!(order["gtin"], Value::Null);
    let id = order["id"].as_str().unwrap();
    let csv = app.get_as(Role::Auditor, &format!("/orders/{id}/labels.csv")).await;
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(lines[0], "code,serial,lot,expiry");
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("KIT-1,") && lines[1].ends_with(",L1,2027-03-31"), "{}", lines[1]);
}

#[tokio::test]
async fn a_pool_serial_shows_where_it_is_and_what_touched_it() {
    let app = spawn_app().await;
    let (product_id, order_id) = product_with_order(&app, 3).await;
    let block = app
        .post_as(Role::Operator, &format!("/orders/{order_id}/reserve"), json!({"device_id": "tab-1", "count": 1}))
        .await;
    let serial = block.expect(200)["serials"][0].as_str().unwrap().to_owned();
    let path = format!("/products/{product_id}/pool/serials/{serial}");
    let shown = app.get_as(Role::Auditor, &path).await;
    let shown = shown.expect(200);
    assert_eq!((shown["status"].as_str(), shown["source"].as_str()), (Some("assigned"), Some("generated")));
    assert_eq!((shown["order_id"].as_str(), shown["device_id"].as_str()), (Some(order_id.as_str()), Some("tab-1")));
    assert_eq!(shown["assigned_to"], format!("packaging order {order_id}"));
    let history = shown["history"].as_array().unwrap();
    let actions: Vec<&str> = history.iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["generated", "assigned", "reserved"]);
    assert_eq!(
        (history[2]["by"].as_str(), history[2]["detail"].as_str()),
        (Some("key:acme-operator-key"), Some("to device tab-1"))
    );
    assert!(history[0]["at"].as_str().unwrap().ends_with('Z'));
    app.get_as(Role::Auditor, &format!("/products/{product_id}/pool/serials/NOPE")).await.expect(404);
    app.get_as(Role::Auditor, &format!("/products/nope/pool/serials/{serial}")).await.expect(404);
}

/// The figure the bulk SQL is for; run by hand (`--ignored`): it takes seconds in a debug build.
#[tokio::test]
#[ignore]
async fn a_500000_serial_order_is_created_reserved_and_closed_in_seconds() {
    let app = spawn_app().await;
    let product_id = app.a_product(GTIN, "Pill").await;
    let started = std::time::Instant::now();
    let order = an_order(&app, packaging(&product_id, 500_000)).await;
    let created = started.elapsed();
    let id = order["id"].as_str().unwrap();
    let shown = app.get_as(Role::Auditor, &format!("/orders/{id}")).await;
    assert_eq!(shown.expect(200)["counts"]["assigned"], 500_000);
    let counted = started.elapsed() - created;
    let block = app
        .post_as(Role::Operator, &format!("/orders/{id}/reserve"), json!({"device_id": "tab-1", "count": 10_000}))
        .await;
    block.expect(200);
    app.post_as(Role::Supervisor, &format!("/orders/{id}/close"), json!({})).await.expect(200);
    eprintln!("500,000-serial order: created in {created:?}, counted in {counted:?}, all in {:?}", started.elapsed());
}
