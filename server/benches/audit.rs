//! The audit check's figure (docs/AUDIT.md, "Verify"): one tenant's chain of 10,000,000 entries, filled with
//! bulk SQL inserts (hashes computed as the store computes them, not through HTTP), then walked by the same
//! check `serialtrack audit verify` runs; on SQLite and on PostgreSQL (when `SERIALTRACK_TEST_POSTGRES_URL`
//! names a cluster). Options: `--entries N` (default 10,000,000), `--only sqlite|postgres`.

#[path = "../tests/support/databases.rs"]
#[allow(dead_code)]
mod databases;
#[allow(dead_code)] // this benchmark uses only `database`
mod support;

use serialtrack_server::domain::audit_verify::{verify_chain, Trust};
use serialtrack_server::store::audit::chain::{link_hash, payload_hash, Payload, GENESIS};
use std::time::Instant;

/// Rows per INSERT: 16 bound columns each, under both backends' bind limits.
const ROWS_PER_INSERT: usize = 1_800;
/// Rows per transaction while filling.
const ROWS_PER_TRANSACTION: usize = 90_000;

/// One entry's columns, as a unit command's entry looks.
struct Row {
    seq: i64,
    at: i64,
    object_id: String,
    new_value: String,
    payload_hash: String,
    prev_hash: String,
    hash: String,
}

fn rows(tenant: &str, from: i64, count: usize, prev: &mut String) -> Vec<Row> {
    (from..from + count as i64)
        .map(|seq| {
            let at = 1_790_000_000_000 + seq;
            let object_id = format!("0190a1b2-c3d4-7e5f-8a9b-{seq:012}");
            let new_value = format!("{{\"seq\":{seq},\"status\":\"commissioned\",\"command\":{{\"type\":\"add_note\",\"text\":\"checked\"}}}}");
            let payload = Payload {
                at,
                client_time: Some(at - 5_000),
                action: Some("unit.command"),
                actor: Some("key:bench"),
                actor_tenant: None,
                device_id: Some("tab-1"),
                object_kind: Some("unit"),
                object_id: Some(&object_id),
                old_value: Some("{\"status\":\"commissioned\"}"),
                new_value: Some(&new_value),
                reason: None,
            };
            let payload_hash = payload_hash(&payload);
            let hash = link_hash(tenant, seq, prev, &payload_hash);
            let prev_hash = std::mem::replace(prev, hash.clone());
            Row { seq, at, object_id, new_value, payload_hash, prev_hash, hash }
        })
        .collect()
}

macro_rules! fill {
    ($db:ty, $pool:expr, $tenant:expr, $entries:expr) => {{
        let (pool, tenant, entries) = ($pool, $tenant, $entries);
        let mut prev = GENESIS.to_owned();
        let mut seq = 1i64;
        while (seq - 1) < entries {
            let count = ROWS_PER_TRANSACTION.min((entries - seq + 1) as usize);
            let batch = rows(tenant, seq, count, &mut prev);
            let mut transaction = pool.begin().await.expect("a transaction");
            for chunk in batch.chunks(ROWS_PER_INSERT) {
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO audit_entries (tenant_id, seq, at, client_time, action, actor, actor_tenant, \
                     device_id, object_kind, object_id, old_value, new_value, reason, payload_hash, prev_hash, hash) ",
                );
                query.push_values(chunk, |mut values, row| {
                    values
                        .push_bind(tenant)
                        .push_bind(row.seq)
                        .push_bind(row.at)
                        .push_bind(row.at - 5_000)
                        .push_bind("unit.command")
                        .push_bind("key:bench")
                        .push_bind(None::<String>)
                        .push_bind("tab-1")
                        .push_bind("unit")
                        .push_bind(&row.object_id)
                        .push_bind("{\"status\":\"commissioned\"}")
                        .push_bind(&row.new_value)
                        .push_bind(None::<String>)
                        .push_bind(&row.payload_hash)
                        .push_bind(&row.prev_hash)
                        .push_bind(&row.hash);
                });
                query.build().execute(&mut *transaction).await.expect("inserting entries");
            }
            transaction.commit().await.expect("committing entries");
            seq += count as i64;
        }
        sqlx::query(
            "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        )
        .bind(tenant)
        .bind(entries)
        .bind(&prev)
        .execute(pool)
        .await
        .expect("the chain's head");
    }};
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let entries: i64 = args
        .iter()
        .position(|arg| arg == "--entries")
        .and_then(|at| args.get(at + 1))
        .map_or(10_000_000, |count| count.parse().expect("--entries takes a number"));
    for backend in support::BACKENDS {
        let Some(database) = support::database(backend, "the audit benchmark").await else { continue };
        let tenant = "bench-tenant";
        let started = Instant::now();
        if backend == "sqlite" {
            let pool = sqlx::SqlitePool::connect(&database.url).await.expect("the SQLite file");
            fill!(sqlx::Sqlite, &pool, tenant, entries);
        } else {
            let pool = sqlx::PgPool::connect(&database.url).await.expect("PostgreSQL");
            fill!(sqlx::Postgres, &pool, tenant, entries);
        }
        println!(
            "[{backend}] filled a chain of {entries} entries with bulk SQL in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let report = verify_chain(database.store.as_ref(), tenant, &Trust::default()).await.expect("verifying");
        let took = started.elapsed().as_secs_f64();
        assert_eq!((report.problem.as_ref(), report.entries), (None, entries as u64), "{report:?}");
        println!(
            "[{backend}] audit verify walked {entries} entries in {took:.1} s ({:.0} entries/s): intact",
            entries as f64 / took
        );
    }
}
