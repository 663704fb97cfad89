//! Pool figures through the real HTTP API on loopback, on SQLite and on PostgreSQL (when
//! `SERIALTRACK_TEST_POSTGRES_URL` names a cluster), as a line integrator's machine calls it:
//!
//! 1. one request for 500,000 serials, end to end: a printing order on an empty pool of a generated product
//!    (the serials are generated, stored and assigned in that call), then its 500,000 labels as CSV;
//! 2. importing a 100,000-line CSV file into a product's pool (validated whole);
//! 3. a machine commissioning 10,000 units of a packaging order online, 1,000 a call.
//!
//! Options: `--only sqlite` or `--only postgres`.

#[path = "../tests/support/databases.rs"]
#[allow(dead_code)]
mod databases;
#[allow(dead_code)] // each benchmark uses a part of it
mod support;

use serde_json::{json, Value};
use std::time::Instant;
use support::{spawn, Bench};

/// A key allowed large requests: the default per-key quota (100,000 serials a request) would refuse them. An
/// admin makes it in person; the bench writes it to the store as that would.
async fn large_request_key(server: &mut Bench) {
    use serialtrack_server::auth::{hash_token, new_api_key};
    use serialtrack_server::store::{KeyGrants, NewApiKey};
    let key = new_api_key();
    let grants = KeyGrants { max_serials_per_request: 500_000, ..KeyGrants::default() };
    let new_key = NewApiKey {
        tenant_id: server.tenant_id.clone(),
        name: "line integrator".into(),
        role: "admin".into(),
        prefix: key[..10].into(),
        key_hash: hash_token(&key),
        grants,
    };
    server.store.api_key_create(new_key).await.expect("a key for large requests");
    server.key = key;
}

async fn product(server: &Bench, gtin: &str, source: &str) -> String {
    let body = json!({"code_schema": "gtin", "code": gtin, "name": format!("Bench {gtin}"), "serial_source": source});
    let (status, product) = server.post("/products", &body).await;
    assert_eq!(status, 201, "{product}");
    product["id"].as_str().expect("a product id").to_owned()
}

async fn order(server: &Bench, product_id: &str, kind: &str, quantity: u32) -> Value {
    let body = json!({"kind": kind, "product_id": product_id, "lot": "L1", "expiry": "2029-12-31",
        "line": "Line 1", "quantity": quantity});
    let (status, order) = server.post("/orders", &body).await;
    assert_eq!(status, 201, "{order}");
    order
}

fn seconds(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}

async fn half_a_million(server: &Bench, backend: &str) {
    let product_id = product(server, "09520123456788", "generated").await;
    let started = Instant::now();
    let printing = order(server, &product_id, "printing", 500_000).await;
    let took = seconds(started);
    assert_eq!(printing["counts"]["assigned"], 500_000, "{printing}");
    println!(
        "[{backend}] request 500,000 serials end to end (generated, stored, assigned to a printing order): {took:.2} s"
    );
    // The same two halves apart: generating into the pool, then an order taking serials already there.
    let other = product(server, "09520123456818", "generated").await;
    let started = Instant::now();
    let (status, answer) = server.post(&format!("/products/{other}/pool/generate"), &json!({"count": 500_000})).await;
    assert_eq!(status, 201, "{answer}");
    println!("[{backend}]   of which generating 500,000 into the pool: {:.2} s", seconds(started));
    let started = Instant::now();
    order(server, &other, "printing", 500_000).await;
    println!("[{backend}]   and an order assigning 500,000 already in the pool: {:.2} s", seconds(started));
    let started = Instant::now();
    let (status, labels) = server.get_text(&format!("/orders/{}/labels.csv", printing["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    println!(
        "[{backend}] export its labels as CSV: {:.2} s, {} lines, {:.1} MB",
        seconds(started),
        labels.lines().count() - 1,
        labels.len() as f64 / 1e6
    );
}

async fn import_file(server: &Bench, backend: &str) {
    let product_id = product(server, "09520123456795", "imported").await;
    let mut file = String::from("serial\n");
    for n in 0..100_000u32 {
        file.push_str(&format!("IMP{n:07}\n"));
    }
    let started = Instant::now();
    let (status, answer) = server.post_file(&format!("/products/{product_id}/pool/import"), "text/csv", file).await;
    assert_eq!(status, 201, "{answer}");
    println!("[{backend}] import a 100,000-line CSV file: {:.2} s", seconds(started));
}

async fn commission_online(server: &Bench, backend: &str) {
    let product_id = product(server, "09520123456801", "generated").await;
    let order = order(server, &product_id, "packaging", 10_000).await;
    let order_id = order["id"].as_str().expect("an order id");
    let mut serials = Vec::new();
    let mut after = String::new();
    loop {
        let (status, page) = server.get(&format!("/orders/{order_id}/serials?limit=10000&after={after}")).await;
        assert_eq!(status, 200, "{page}");
        let rows = page["serials"].as_array().cloned().unwrap_or_default();
        let Some(last) = rows.last() else { break };
        after = last["serial"].as_str().unwrap_or_default().to_owned();
        serials.extend(rows.iter().filter_map(|row| row["serial"].as_str().map(str::to_owned)));
    }
    let started = Instant::now();
    for chunk in serials.chunks(1_000) {
        let (status, answer) = server.post(&format!("/orders/{order_id}/commission"), &json!({"serials": chunk})).await;
        assert_eq!(status, 200, "{answer}");
    }
    let took = seconds(started);
    println!(
        "[{backend}] a machine commissioning {} units of a packaging order online, 1,000 a call: {took:.2} s, {:.0} units/s",
        serials.len(),
        serials.len() as f64 / took
    );
}

#[tokio::main]
async fn main() {
    for backend in support::BACKENDS {
        let Some(database) = support::database(backend, "the pool benchmarks").await else { continue };
        let mut server = spawn(database.store.clone()).await;
        large_request_key(&mut server).await;
        half_a_million(&server, backend).await;
        import_file(&server, backend).await;
        commission_online(&server, backend).await;
    }
}
