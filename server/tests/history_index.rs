//! A unit's history is read through the index on (tenant_id, unit_id, seq), scanned backwards: never a scan
//! of the tenant's whole log, whatever its size (the history figure of benches/api.rs, with 10,000,000 events).

mod support;

use sqlx::{Connection, Row};
use support::databases;

const HISTORY: &str =
    "SELECT * FROM events WHERE tenant_id = $1 AND unit_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4";

#[tokio::test]
async fn unit_history_uses_the_unit_index_on_sqlite() {
    let database = databases::sqlite().await;
    let mut connection = sqlx::SqliteConnection::connect(&database.url).await.unwrap();
    let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {HISTORY}"))
        .bind("tenant")
        .bind("unit")
        .bind(i64::MAX)
        .bind(100_i64)
        .fetch_all(&mut connection)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>("detail"))
        .collect();
    assert_eq!(plan, ["SEARCH events USING INDEX events_unit (tenant_id=? AND unit_id=? AND seq<?)"], "{plan:?}");
}

#[tokio::test]
async fn unit_history_uses_the_unit_index_on_postgres() {
    let Some(database) = databases::postgres("the history index").await else { return };
    let mut connection = sqlx::PgConnection::connect(&database.url).await.unwrap();
    // An empty table would be scanned whole; say so to the planner the way a big one would.
    sqlx::query("SET enable_seqscan = off").execute(&mut connection).await.unwrap();
    let plan: Vec<String> = sqlx::query(&format!("EXPLAIN {HISTORY}"))
        .bind("tenant")
        .bind("unit")
        .bind(i64::MAX)
        .bind(100_i64)
        .fetch_all(&mut connection)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();
    let plan = plan.join("\n");
    assert!(plan.contains("Index Scan Backward using events_unit"), "{plan}");
    assert!(!plan.contains("Sort"), "the index gives the order: {plan}");
}
