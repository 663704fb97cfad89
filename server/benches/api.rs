//! The server's benchmark figures, through the real HTTP API on loopback, on SQLite and on PostgreSQL
//! (when `SERIALTRACK_TEST_POSTGRES_URL` names a cluster; scripts/bench starts one):
//!
//! 1. registering 100,000 serials in one API call;
//! 2. commands applied per second through the API (concurrent clients, each command its own transaction);
//! 3. a unit's history looked up (p50/p99) with many units and events stored.
//!
//! Options (`cargo bench -p serialtrack-server --bench api -- --help`):
//! - `--quick`: a smaller history data set (100,000 units, 1,000,000 events) for a fast run; the default is
//!   the issue's full scale, 1,000,000 units and 10,000,000 events;
//! - `--history-units N`, `--events-per-unit N`: any other history scale;
//! - `--only sqlite` or `--only postgres`; `--parts register,commands,history` (default: all three;
//!   `store-commands` adds the commands figure straight into the store, without HTTP);
//! - `--commands N` (default 40,000) and `--clients N` (default 32) for the commands figure.
//!
//! Client and server share this machine's cores, as they would on a one-box install. The figures of both
//! backends are printed side by side at the end.

#[path = "../tests/support/databases.rs"]
#[allow(dead_code)]
mod databases;
#[allow(dead_code)] // each benchmark uses a part of it
mod support;

use rand::Rng;
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use serialtrack_server::store::{new_id, NewEvent, NewUnit};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{spawn, Bench};

impl Bench {
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
    let per_client = total / concurrency;
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (client, ids, key, address) =
                (bench.client.clone(), ids.clone(), bench.key.clone(), bench.address.clone());
            tokio::spawn(async move {
                let mine: Vec<&String> = ids.iter().skip(worker).step_by(concurrency).collect();
                let authorization = format!("Bearer {key}");
                for round in 0..per_client {
                    let unit = mine[round % mine.len()];
                    // A note is valid in every status, so the figure measures the log, not the state machine.
                    let body = format!(
                        r#"{{"op_id":"{}","command":{{"type":"add_note","text":"checked at station {round}"}}}}"#,
                        new_id()
                    );
                    let response = client
                        .post(format!("{address}/units/{unit}/commands"))
                        .header(reqwest::header::AUTHORIZATION, &authorization)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body)
                        .send()
                        .await
                        .expect("a response");
                    let status = response.status().as_u16();
                    let text = response.bytes().await.expect("a body");
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&text));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a worker");
    }
    (per_client * concurrency) as f64 / started.elapsed().as_secs_f64()
}

/// The same commands straight into the store (`unit_apply`, no HTTP, no reads around it): what the log itself
/// takes, to tell the store's share of the API figure from the HTTP stack's and the handler's.
async fn store_commands_per_second(bench: &Bench, units: usize, concurrency: usize, total: usize) -> f64 {
    use serialtrack_server::store::{Decision, OpInput, UnitChange};
    let product_id = bench.product("9520123456818").await;
    let range = json!({"product_id": product_id, "range": {"prefix": "S", "start": 0, "count": units, "width": 7}});
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
    let per_client = total / concurrency;
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (store, ids, tenant_id) = (bench.store.clone(), ids.clone(), bench.tenant_id.clone());
            tokio::spawn(async move {
                let mine: Vec<&String> = ids.iter().skip(worker).step_by(concurrency).collect();
                for round in 0..per_client {
                    let op = OpInput {
                        op_id: new_id(),
                        unit_id: mine[round % mine.len()].clone(),
                        actor: "key:bench".into(),
                        device_id: None,
                        device_seq: None,
                        payload: r#"{"command":{"type":"add_note","text":"checked"}}"#.into(),
                    };
                    let decide = |unit: &serialtrack_server::store::UnitRecord| Decision::Accept {
                        events: vec![("add_note".into(), r#"{"version":1,"event":{"type":"add_note"}}"#.into())],
                        change: UnitChange { status: unit.status.clone(), state: unit.state.clone() },
                    };
                    store.unit_apply(&tenant_id, op, &decide).await.expect("applied");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a worker");
    }
    (per_client * concurrency) as f64 / started.elapsed().as_secs_f64()
}

/// Stores `units` units with `events_per_unit` events each (interleaved, as real traffic is), straight into
/// the store's bulk paths; then times history lookups through the API.
async fn history_lookups(bench: &Bench, units: usize, events_per_unit: usize) -> (Duration, Duration, Duration) {
    let product_id = bench.product("9520123456801").await;
    let setup = Instant::now();
    let code =
        serialtrack_shared::ids::ProductCode::from(serialtrack_shared::ids::Gtin::parse("9520123456801").unwrap());
    let actor = serialtrack_shared::unit::Actor { name: "user:bench".into(), role: Role::Operator, party: None };
    let caller =
        serialtrack_server::domain::units::Caller { actor, device_id: None, approval: None, client_time: None };
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

fn number(args: &[String], name: &str, default: usize) -> usize {
    match option(args, name) {
        Some(text) => {
            text.replace(['_', ','], "").parse().unwrap_or_else(|_| panic!("{name} takes a number, not {text}"))
        }
        None => default,
    }
}

const HELP: &str = "\
The server's figures through its HTTP API, on SQLite and PostgreSQL (SERIALTRACK_TEST_POSTGRES_URL).

usage: cargo bench -p serialtrack-server --bench api -- [options]
  --quick                 history with 100,000 units and 1,000,000 events (default: the issue's full scale,
                          1,000,000 units and 10,000,000 events)
  --history-units N       units stored for the history figure
  --events-per-unit N     events per unit (the registration included) for the history figure
  --only sqlite|postgres  one backend only
  --parts LIST            comma-separated: register,commands,history (default: all three), and
                          store-commands (unit_apply straight into the store, without HTTP)
  --commands N            commands sent for the commands figure (default 40,000)
  --clients N             concurrent clients sending them (default 32)";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        println!("{HELP}");
        return;
    }
    let quick = args.iter().any(|arg| arg == "--quick");
    let history_units = number(&args, "--history-units", if quick { 100_000 } else { 1_000_000 });
    let events_per_unit = number(&args, "--events-per-unit", 10).max(1);
    let commands = number(&args, "--commands", 40_000);
    let clients = number(&args, "--clients", 32).max(1);
    let parts = option(&args, "--parts").unwrap_or_else(|| "register,commands,history".into());
    let part = |name: &str| parts.split(',').any(|part| part.trim() == name);
    let mut rows: Vec<(String, [String; 2])> = Vec::new();
    let mut record =
        |column: usize, label: String, figure: String| match rows.iter_mut().find(|(existing, _)| *existing == label) {
            Some((_, figures)) => figures[column] = figure,
            None => {
                let mut figures = [String::from("-"), String::from("-")];
                figures[column] = figure;
                rows.push((label, figures));
            }
        };
    for (column, backend) in support::BACKENDS.into_iter().enumerate() {
        let Some(database) = support::database(backend, "the server benchmarks").await else { continue };
        let bench = spawn(database.store.clone()).await;
        if part("register") {
            let took = register_in_one_call(&bench).await;
            let figure = format!("{:.2} s", took.as_secs_f64());
            println!("[{backend}] register 100,000 serials in one API call: {figure}");
            record(column, "register 100,000 serials in one call".into(), figure);
        }
        if part("commands") {
            let rate = commands_per_second(&bench, 20_000, clients, commands).await;
            println!("[{backend}] commands applied through the API: {rate:.0}/s ({clients} concurrent clients, {commands} commands)");
            record(column, format!("commands/s ({clients} clients, {commands} add_note)"), format!("{rate:.0}/s"));
        }
        if part("store-commands") {
            let rate = store_commands_per_second(&bench, 20_000, clients, commands).await;
            println!("[{backend}] commands applied straight into the store: {rate:.0}/s ({clients} tasks)");
            record(column, format!("store only: unit_apply/s ({clients} tasks)"), format!("{rate:.0}/s"));
        }
        if part("history") {
            let (setup, p50, p99) = history_lookups(&bench, history_units, events_per_unit).await;
            let events = history_units * events_per_unit;
            println!(
                "[{backend}] unit history lookup with {history_units} units and {events} events stored: p50 {:.2} ms, \
                 p99 {:.2} ms (2,000 lookups; storing them took {:.0} s)",
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3,
                setup.as_secs_f64()
            );
            let label = format!("history, {history_units} units / {events} events");
            record(column, format!("{label}: p50"), format!("{:.2} ms", p50.as_secs_f64() * 1e3));
            record(column, format!("{label}: p99"), format!("{:.2} ms", p99.as_secs_f64() * 1e3));
            record(column, format!("{label}: storing them"), format!("{:.0} s", setup.as_secs_f64()));
        }
    }
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    println!();
    println!("{:width$}  {:>12}  {:>12}", "", "sqlite", "postgres");
    for (label, [sqlite, postgres]) in &rows {
        println!("{label:width$}  {sqlite:>12}  {postgres:>12}");
    }
}
