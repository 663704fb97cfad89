//! Sync figures through the real HTTP API on loopback, on SQLite and on PostgreSQL (when
//! `SERIALTRACK_TEST_POSTGRES_URL` names a cluster):
//!
//! 1. one device pushing 10,000 commands recorded offline, in batches of 100, as its sync loop does;
//! 2. 50 devices syncing at once (push then pull, 20 rounds each): push latency p50 / p99 and errors;
//! 3. a new device pulling the whole log, 500 events a page.
//!
//! Options: `--only sqlite` or `--only postgres`.

#[path = "../tests/support/databases.rs"]
#[allow(dead_code)]
mod databases;
#[path = "../tests/support/pending_op.rs"]
mod pending_op;
#[allow(dead_code)] // each benchmark uses a part of it
mod support;

use pending_op::pending_op;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{spawn, Bench};

const GTIN: &str = "09520123456788";

fn op(device: &str, device_seq: u64, serial: &str, text: &str) -> Value {
    pending_op(device, device_seq, serial, json!({"type": "add_note", "text": text}))
}

/// Pushes `ops` in batches of 100 until all are answered; returns (time, accepted).
async fn push_all(server: &Bench, device: &str, ops: &[Value]) -> (Duration, usize) {
    let started = Instant::now();
    let mut accepted = 0;
    for batch in ops.chunks(100) {
        let (status, answer) = server.post("/sync/push", &json!({"device_id": device, "ops": batch})).await;
        assert_eq!(status, 200, "{answer}");
        accepted += answer["results"]
            .as_array()
            .map_or(0, |results| results.iter().filter(|result| result["outcome"]["kind"] == "accepted").count());
    }
    (started.elapsed(), accepted)
}

async fn pull_all(server: &Bench) -> (Duration, u64) {
    let started = Instant::now();
    let (mut cursor, mut events) = (0u64, 0u64);
    loop {
        let (status, page) = server.get(&format!("/sync/pull?cursor={cursor}")).await;
        assert_eq!(status, 200, "{page}");
        events += page["events"].as_array().map_or(0, Vec::len) as u64;
        cursor = page["next_cursor"].as_u64().expect("a cursor");
        if page["has_more"] != true {
            return (started.elapsed(), events);
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

async fn fifty_devices(server: &Arc<Bench>, units: usize) -> (Vec<Duration>, usize) {
    let mut workers = Vec::new();
    for device in 0..50usize {
        let server = Arc::clone(server);
        workers.push(tokio::spawn(async move {
            let name = format!("tab-{device}");
            let (mut latencies, mut errors, mut cursor) = (Vec::new(), 0usize, 0u64);
            for round in 0..20u64 {
                // Each device works on its own units, with every fifth op on a unit all devices share.
                let ops: Vec<Value> = (0..5u64)
                    .map(|n| {
                        let serial = if n == 4 { 0 } else { (device * 97 + (round * 5 + n) as usize) % units };
                        op(&name, round * 5 + n + 1, &format!("B{serial:06}"), "checked")
                    })
                    .collect();
                let started = Instant::now();
                let (status, _) = server.post("/sync/push", &json!({"device_id": name, "ops": ops})).await;
                latencies.push(started.elapsed());
                errors += usize::from(status != 200);
                let (status, page) = server.get(&format!("/sync/pull?cursor={cursor}")).await;
                errors += usize::from(status != 200);
                cursor = page["next_cursor"].as_u64().unwrap_or(cursor);
            }
            (latencies, errors)
        }));
    }
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (mut more, more_errors) = worker.await.expect("a device");
        latencies.append(&mut more);
        errors += more_errors;
    }
    latencies.sort();
    (latencies, errors)
}

#[tokio::main]
async fn main() {
    for backend in support::BACKENDS {
        let Some(database) = support::database(backend, "the sync benchmarks").await else { continue };
        let server = Arc::new(spawn(database.store.clone()).await);
        let (status, product) =
            server.post("/products", &json!({"code_schema": "gtin", "code": GTIN, "name": "Bench"})).await;
        assert_eq!(status, 201, "{product}");
        let units = 10_000;
        let range =
            json!({"product_id": product["id"], "range": {"prefix": "B", "start": 0, "count": units, "width": 6}});
        assert_eq!(server.post("/units", &range).await.0, 201);

        let ops: Vec<Value> =
            (0..10_000u64).map(|n| op("offline-tab", n + 1, &format!("B{:06}", n % units as u64), "offline")).collect();
        let (took, accepted) = push_all(&server, "offline-tab", &ops).await;
        println!(
            "[{backend}] push 10,000 offline commands after reconnecting (100 per push): {:.2} s, {:.0} commands/s, {accepted} accepted",
            took.as_secs_f64(),
            10_000.0 / took.as_secs_f64()
        );
        let (latencies, errors) = fifty_devices(&server, units).await;
        println!(
            "[{backend}] 50 devices syncing at once (20 × push 5 + pull): push p50 {:.1} ms, p99 {:.1} ms, {errors} errors of {} requests",
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies.len() * 2
        );
        let (took, events) = pull_all(&server).await;
        println!(
            "[{backend}] a new device pulling the whole log ({events} events, 500 a page): {:.2} s, {:.0} events/s",
            took.as_secs_f64(),
            events as f64 / took.as_secs_f64()
        );
    }
}
