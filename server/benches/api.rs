//! The server's benchmark figures, through the real HTTP API on loopback, on SQLite and on PostgreSQL
//! (when `SERIALTRACK_TEST_POSTGRES_URL` names a cluster; scripts/bench starts one):
//!
//! 1. registering 100,000 serials in one API call;
//! 2. commands applied per second through the API (concurrent clients, each command its own transaction);
//! 3. a unit's history looked up (p50/p99) with many units and events stored.
//!
//! Options: `--history-units N` (default 1,000,000) and `--events-per-unit N` (default 10), `--only sqlite` or
//! `--only postgres`. Client and server share this machine's cores, as they would on a one-box install.

#[path = "../tests/support/databases.rs"]
#[allow(dead_code)]
mod databases;

use rand::Rng;
use serde_json::{json, Value};
use serialtrack_server::auth::{hash_token, new_api_key, PasswordCost, Role};
use serialtrack_server::store::{new_id, NewApiKey, NewEvent, NewUnit, Store};
use serialtrack_server::web::{router, AppState};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Bench {
    address: String,
    key: String,
    store: Arc<dyn Store>,
    tenant_id: String,
    client: reqwest::Client,
}

async fn spawn(store: Arc<dyn Store>) -> Bench {
    let tenant = store.tenant_create("Bench", "brand_owner").await.expect("a tenant");
    let key = new_api_key();
    let new_key = NewApiKey {
        tenant_id: tenant.id.clone(),
        name: "bench".into(),
        role: Role::Admin.as_str().into(),
        prefix: key[..10].into(),
        key_hash: hash_token(&key),
    };
    store.api_key_create(new_key).await.expect("an API key");
    let mut state = AppState::new(store.clone(), std::env::temp_dir().join("serialtrack-no-app"));
    state.password_cost = PasswordCost::Minimal;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = format!("http://{}/api/v1", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().expect("a client");
    Bench { address, key, store, tenant_id: tenant.id, client }
}

impl Bench {
    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self.client.post(format!("{}{path}", self.address)).bearer_auth(&self.key).json(body).send();
        let response = response.await.expect("a response");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn product(&self, gtin: &str) -> String {
        let (status, body) = self.post("/products", &json!({"code_schema": "gtin", "code": gtin, "name": gtin})).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("a product id").to_owned()
    }
}

async fn register_in_one_call(bench: &Bench) -> Duration {
    let product_id = bench.product("9520123456788").await;
    let serials: Vec<String> = (0..100_000).map(|n| format!("B{n:09}")).collect();
    let body = json!({"product_id": product_id, "serials": serials});
    let started = Instant::now();
    let (status, answer) = bench.post("/units", &body).await;
    let took = started.elapsed();
    assert_eq!((status, answer["registered"].as_i64()), (201, Some(100_000)), "{answer}");
    took
}

async fn commands_per_second(bench: &Bench, units: usize, concurrency: usize, total: usize) -> f64 {
    let product_id = bench.product("9520123456795").await;
    let range = json!({"product_id": product_id, "range": {"prefix": "C", "start": 0, "count": units, "width": 7}});
    assert_eq!(bench.post("/units", &range).await.0, 201);
    let ids: Vec<String> = bench
        .store
        .projection(&bench.tenant_id, "", i64::MAX)
        .await
        .expect("units")
        .into_iter()
        .filter(|unit| unit.product_id == product_id)
        .map(|unit| unit.id)
        .collect();
    let ids = Arc::new(ids);
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (client, ids, key, address) =
                (bench.client.clone(), ids.clone(), bench.key.clone(), bench.address.clone());
            tokio::spawn(async move {
                let mine: Vec<&String> = ids.iter().skip(worker).step_by(concurrency).collect();
                for round in 0..total / concurrency {
                    let unit = mine[round % mine.len()];
                    let verb = if (round / mine.len()).is_multiple_of(2) { "allocate" } else { "make_available" };
                    let body = json!({"op_id": new_id(), "command": {"type": verb}});
                    let url = format!("{address}/units/{unit}/commands");
                    let response = client.post(url).bearer_auth(&key).json(&body).send().await.expect("a response");
                    assert_eq!(response.status().as_u16(), 200, "{:?}", response.text().await);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a worker");
    }
    (total / concurrency * concurrency) as f64 / started.elapsed().as_secs_f64()
}

/// Stores `units` units with `events_per_unit` events each (interleaved, as real traffic is), straight into
/// the store's bulk paths; then times history lookups through the API.
async fn history_lookups(bench: &Bench, units: usize, events_per_unit: usize) -> (Duration, Duration, Duration) {
    let product_id = bench.product("9520123456801").await;
    let setup = Instant::now();
    let code =
        serialtrack_shared::ids::ProductCode::from(serialtrack_shared::ids::Gtin::parse("9520123456801").unwrap());
    let actor = serialtrack_shared::unit::Actor { name: "user:bench".into(), role: Role::Operator, party: None };
    let caller = serialtrack_server::domain::units::Caller { actor, device_id: None, approval: None };
    let commissioning = serialtrack_server::domain::units::Commissioning::default();
    let now = time::OffsetDateTime::now_utc();
    let mut ids = Vec::with_capacity(units);
    for start in (0..units).step_by(50_000) {
        let (new_units, events): (Vec<NewUnit>, Vec<NewEvent>) = (start..(start + 50_000).min(units))
            .map(|n| {
                let id = new_id();
                let (change, kind, payload) = serialtrack_server::domain::units::register(
                    &code,
                    &format!("H{n:09}"),
                    &commissioning,
                    &caller,
                    uuid::Uuid::new_v4(),
                    now,
                )
                .expect("a valid serial");
                let unit = NewUnit {
                    id: id.clone(),
                    product_id: product_id.clone(),
                    serial: format!("H{n:09}"),
                    lot: None,
                    change,
                };
                (unit, event(&id, kind, payload))
            })
            .unzip();
        ids.extend(new_units.iter().map(|unit| unit.id.clone()));
        bench.store.units_register(&bench.tenant_id, &new_units, &events).await.expect("registering");
    }
    let note = json!({"version": 1, "event": {"type": "add_note", "text": "inspected at the line"}}).to_string();
    let mut batch = Vec::with_capacity(50_000);
    for _round in 1..events_per_unit {
        for id in &ids {
            batch.push(event(id, "add_note".into(), note.clone()));
            if batch.len() == 50_000 {
                bench.store.events_append(&bench.tenant_id, &batch).await.expect("appending");
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        bench.store.events_append(&bench.tenant_id, &batch).await.expect("appending");
    }
    let setup = setup.elapsed();
    let mut rng = rand::thread_rng();
    let mut timings = Vec::with_capacity(2_000);
    for _ in 0..2_000 {
        let id = &ids[rng.gen_range(0..ids.len())];
        let started = Instant::now();
        let response = bench.client.get(format!("{}/units/{id}/history", bench.address)).bearer_auth(&bench.key).send();
        let body: Value = response.await.expect("a response").json().await.expect("JSON");
        timings.push(started.elapsed());
        assert_eq!(body["events"].as_array().map(Vec::len), Some(events_per_unit.min(100)));
    }
    timings.sort();
    (setup, timings[timings.len() / 2], timings[timings.len() * 99 / 100])
}

fn event(unit_id: &str, kind: String, payload: String) -> NewEvent {
    NewEvent {
        op_id: new_id(),
        op_index: 0,
        unit_id: unit_id.into(),
        kind,
        payload,
        actor: "key:bench".into(),
        device_id: None,
        device_seq: None,
    }
}

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|arg| arg == name).and_then(|at| args.get(at + 1)).cloned()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let history_units: usize = option(&args, "--history-units").and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let events_per_unit: usize = option(&args, "--events-per-unit").and_then(|n| n.parse().ok()).unwrap_or(10);
    let only = option(&args, "--only");
    for backend in ["sqlite", "postgres"] {
        if only.as_deref().is_some_and(|only| only != backend) {
            continue;
        }
        let database = match backend {
            "sqlite" => databases::sqlite().await,
            _ => match databases::postgres("the server benchmarks").await {
                Some(database) => database,
                None => continue,
            },
        };
        let bench = spawn(database.store.clone()).await;
        let took = register_in_one_call(&bench).await;
        println!("[{backend}] register 100,000 serials in one API call: {:.2} s", took.as_secs_f64());
        let rate = commands_per_second(&bench, 20_000, 32, 40_000).await;
        println!("[{backend}] commands applied through the API: {rate:.0}/s (32 concurrent clients, 40,000 commands)");
        let (setup, p50, p99) = history_lookups(&bench, history_units, events_per_unit).await;
        println!(
            "[{backend}] unit history lookup with {history_units} units and {} events stored: p50 {:.2} ms, p99 {:.2} ms \
             (2,000 lookups; storing them took {:.0} s)",
            history_units * events_per_unit,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            setup.as_secs_f64()
        );
    }
}
