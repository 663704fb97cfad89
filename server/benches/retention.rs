//! Retention's figure (docs/RETENTION.md, "Figures"): 1,000,000 units' histories archived and then purged by
//! the retention job, run from the outbox as `serve` runs it, while a device keeps syncing through the real
//! HTTP API on loopback (push 10 commands, pull, again): how long each took, how many units a second, and the
//! device's push latency (p50 / p99 / max) and errors meanwhile, against the same device with nothing else
//! running. Then `audit verify` over the chain. On SQLite and PostgreSQL (when `SERIALTRACK_TEST_POSTGRES_URL`
//! names a cluster). Options: `--units N` (default 1,000,000), `--only sqlite|postgres`.

#[path = "../tests/support/databases.rs"]
#[allow(dead_code)]
mod databases;
#[path = "../tests/support/pending_op.rs"]
mod pending_op;
#[allow(dead_code)] // this benchmark uses a part of it
mod support;

use pending_op::pending_op;
use serde_json::{json, Value};
use serialtrack_server::auth::{hash_token, new_api_key, Role};
use serialtrack_server::domain::audit_verify::{verify_chain, Trust};
use serialtrack_server::domain::clock::Clock;
use serialtrack_server::domain::outbox;
use serialtrack_server::store::{KeyGrants, NewApiKey};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{spawn, Bench};

/// The device's product (the one `pending_op` names) and the product whose histories retention moves.
const DEVICE_GTIN: &str = "09520123456788";
const RETIRED_GTIN: &str = "09527770001118";
const PER_REGISTRATION: u64 = 100_000;

/// Where a device's sync stands: its cursor and its last op's number.
#[derive(Clone, Copy, Default)]
struct Device {
    cursor: u64,
    seq: u64,
}

/// A device syncing until `stop`: push 10 notes, pull to the head, again. Its push latencies and errors.
async fn device(server: Arc<Bench>, stop: Arc<AtomicBool>, at: Device) -> (Vec<Duration>, usize, Device) {
    let (mut latencies, mut errors, Device { mut cursor, mut seq }) = (Vec::new(), 0usize, at);
    while !stop.load(Ordering::Relaxed) {
        let ops: Vec<Value> = (0..10)
            .map(|n| {
                seq += 1;
                let serial = format!("D{:04}", (seq + n) % 1_000);
                pending_op("tab-bench", seq, &serial, json!({"type": "add_note", "text": "checked"}))
            })
            .collect();
        let started = Instant::now();
        let (status, _) = server.post("/sync/push", &json!({"device_id": "tab-bench", "ops": ops})).await;
        latencies.push(started.elapsed());
        errors += usize::from(status != 200);
        loop {
            let (status, page) = server.get(&format!("/sync/pull?cursor={cursor}&limit=500")).await;
            errors += usize::from(status != 200 || page["answer"] != "page");
            cursor = page["next_cursor"].as_u64().unwrap_or(cursor);
            if page["has_more"] != true {
                break;
            }
        }
    }
    latencies.sort();
    (latencies, errors, Device { cursor, seq })
}

/// Notes on every tenth unit to retire, so their histories have audit entries of their own to move.
async fn notes_on_retired(server: &Bench, units: u64) {
    let ops: Vec<Value> = (0..units)
        .step_by(10)
        .enumerate()
        .map(|(index, number)| {
            let mut op = pending_op(
                "tab-fill",
                index as u64 + 1,
                &format!("R{number:07}"),
                json!({"type": "add_note", "text": "checked"}),
            );
            op["unit"]["product"]["code"] = json!(RETIRED_GTIN);
            op
        })
        .collect();
    for batch in ops.chunks(100) {
        let (status, answer) = server.post("/sync/push", &json!({"device_id": "tab-fill", "ops": batch})).await;
        assert_eq!(status, 200, "{answer}");
    }
}

/// The same server with an admin key whose daily export ceiling is out of reach.
async fn unlimited(server: &Bench) -> Bench {
    let key = new_api_key();
    let grants = KeyGrants { max_exported_serials_per_day: Some(i64::MAX / 2), ..KeyGrants::default() };
    let new_key = NewApiKey {
        tenant_id: server.tenant_id.clone(),
        name: "bench-device".into(),
        role: Role::Admin.as_str().into(),
        prefix: key[..10].into(),
        key_hash: hash_token(&key),
        grants,
    };
    server.store.api_key_create(new_key).await.expect("an API key");
    Bench {
        address: server.address.clone(),
        key,
        store: server.store.clone(),
        tenant_id: server.tenant_id.clone(),
        client: server.client.clone(),
    }
}

fn figures(latencies: &[Duration]) -> String {
    let at =
        |share: f64| latencies.get(((latencies.len() as f64 * share) as usize).min(latencies.len().saturating_sub(1)));
    let ms = |value: Option<&Duration>| value.map_or(0.0, |value| value.as_secs_f64() * 1000.0);
    format!(
        "{} pushes, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(latencies.last())
    )
}

/// Runs the device alone for `seconds`, or beside a retention run asked for on `clock`'s day.
async fn with_device(
    server: &Arc<Bench>,
    at: &mut Device,
    clock: Option<&Clock>,
    seconds: u64,
) -> (f64, Vec<Duration>, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let syncing = tokio::spawn(device(server.clone(), stop.clone(), *at));
    let started = Instant::now();
    match clock {
        Some(clock) => {
            let job = outbox::retention_job(&server.tenant_id, clock, false);
            server.store.job_enqueue(job, false).await.expect("queueing the run");
            outbox::work_until_idle(&server.store, clock, "bench").await.expect("the retention run");
        }
        None => tokio::time::sleep(Duration::from_secs(seconds)).await,
    }
    let took = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let (latencies, errors, now) = syncing.await.expect("the device");
    *at = now;
    (took, latencies, errors)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let units: u64 = args
        .iter()
        .position(|arg| arg == "--units")
        .and_then(|at| args.get(at + 1))
        .map_or(1_000_000, |count| count.parse().expect("--units takes a number"));
    for backend in support::BACKENDS {
        let Some(database) = support::database(backend, "the retention benchmark").await else { continue };
        let server = Arc::new(spawn(database.store.clone()).await);
        // Archived a year after the last event, purged three years after it.
        let policy = json!({"retention": {"keep_years": 3, "archive_after_years": 1, "counted_from": "last_event"}});
        let retired = json!({"code_schema": "gtin", "code": RETIRED_GTIN, "name": "Retired", "details": policy});
        let (status, retired) = server.post("/products", &retired).await;
        assert_eq!(status, 201, "{retired}");
        let for_ever =
            json!({"retention": {"keep_years": null, "archive_after_years": null, "counted_from": "last_event"}});
        let own = json!({"code_schema": "gtin", "code": DEVICE_GTIN, "name": "On the shelf", "details": for_ever});
        let (status, own) = server.post("/products", &own).await;
        assert_eq!(status, 201, "{own}");
        let started = Instant::now();
        for start in (0..units).step_by(PER_REGISTRATION as usize) {
            let count = PER_REGISTRATION.min(units - start);
            let range = json!({"prefix": "R", "start": start, "count": count, "width": 7});
            let (status, answer) = server.post("/units", &json!({"product_id": retired["id"], "range": range})).await;
            assert_eq!(status, 201, "{answer}");
        }
        let range = json!({"prefix": "D", "start": 0, "count": 1_000, "width": 4});
        assert_eq!(server.post("/units", &json!({"product_id": own["id"], "range": range})).await.0, 201);
        notes_on_retired(&server, units).await;
        println!(
            "[{backend}] registered {units} units to retire, and noted every tenth by a device push, in {:.1} s",
            started.elapsed().as_secs_f64()
        );

        // The device was in sync before (its cursor at the head), and its key may read the log all day: a
        // bench device pulls far more than the default daily export ceiling allows.
        let head = server.store.tenant(&server.tenant_id).await.expect("the tenant").expect("the tenant").last_seq;
        let mut at = Device { cursor: head as u64, seq: 0 };
        let server = Arc::new(unlimited(&server).await);
        let (_, alone, errors) = with_device(&server, &mut at, None, 10).await;
        println!("[{backend}] the device alone for 10 s: {}, {errors} errors", figures(&alone));
        let clock = Clock::system();
        clock.advance(time::Duration::days(366 + 2));
        let (took, during, errors) = with_device(&server, &mut at, Some(&clock), 0).await;
        println!(
            "[{backend}] archived {units} units' histories in {took:.1} s ({:.0} units/s) while the device synced: {}, {errors} errors",
            units as f64 / took,
            figures(&during)
        );
        clock.advance(time::Duration::days(2 * 366));
        let (took, during, errors) = with_device(&server, &mut at, Some(&clock), 0).await;
        println!(
            "[{backend}] purged {units} units' histories (from the archive) in {took:.1} s ({:.0} units/s) while the device synced: {}, {errors} errors",
            units as f64 / took,
            figures(&during)
        );
        let runs = server.store.jobs(&server.tenant_id, outbox::RETENTION, 2).await.expect("the runs");
        let results: Vec<_> = runs.iter().map(|run| run.result.clone().unwrap_or_default()).collect();
        println!("[{backend}] the runs said: purge {} · archive {}", results[0], results[1]);
        let started = Instant::now();
        let report =
            verify_chain(server.store.as_ref(), &server.tenant_id, &Trust::default()).await.expect("verifying");
        assert!(report.problem.is_none(), "{report:?}");
        println!(
            "[{backend}] audit verify after the purge: intact, {} entries ({} purged) in {:.1} s",
            report.entries,
            report.purged,
            started.elapsed().as_secs_f64()
        );
    }
}
