//! The backend for scale: PostgreSQL (and Postgres-compatible engines); several servers may share it.
//!
//! Appends of one tenant are serialised by the lock `UPDATE tenants … RETURNING last_seq` takes on the tenant's
//! counter row until commit, so seqs become visible in order; a PostgreSQL sequence would not guarantee that.
//! Bulk inserts bind whole columns as arrays and `UNNEST` them: one statement per table, however many rows.

mod commands;

use crate::store::sql::{
    define_audit_append, impl_account_store, impl_audit_store, impl_catalog_store, impl_export_store,
    impl_invitation_store, impl_job_store, impl_log_store, impl_manufacturer_store, impl_order_store,
    impl_retention_store, impl_sync_store, impl_user_store, prelude::*,
};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Two servers claiming pool serials at once take different rows instead of waiting on each other.
const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

/// Locks a row read inside a transaction until it ends.
const LOCK_ROW: &str = " FOR UPDATE";

/// Makes every statement of a read transaction see one snapshot (READ COMMITTED takes one per statement).
const BEGIN_SNAPSHOT: &str = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";

/// A purged unit's state with its `PURGED_FIELDS` set to null (docs/RETENTION.md).
fn purged_state_expression() -> String {
    let fields: Vec<String> = crate::store::PURGED_FIELDS.iter().map(|field| format!("\"{field}\": null")).collect();
    format!("CAST(CAST(state AS jsonb) || '{{{}}}'::jsonb AS TEXT)", fields.join(", "))
}

/// The head moves in the INSERT of the entries (a data-modifying WITH): one round trip fewer under its lock.
const AUDIT_HEAD_IN_INSERT: bool = true;

/// The `serials` of an audit entry's new value (JSON text), as a number: what the exports alert adds up.
const ENTRY_SERIALS: &str = "CAST(CAST(new_value AS jsonb) ->> 'serials' AS BIGINT)";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("src/store/postgres/migrations");

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connects with options, e.g. a `search_path` that gives each test its own schema.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        // No ping before each use: it is a round trip of its own, and a broken connection shows up as an error
        // on the query anyway.
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// A chain's entries streamed in seq order and then its head, in one REPEATABLE READ snapshot.
    async fn audit_scan_rows(
        &self,
        tenant_id: &str,
        visit: VisitEntry<'_>,
    ) -> Result<Option<AuditHeadRecord>, StoreError> {
        use futures_util::TryStreamExt;
        let mut transaction = self.pool.begin().await?;
        sqlx::query(BEGIN_SNAPSHOT).execute(&mut *transaction).await?;
        {
            let mut rows =
                sqlx::query_as::<_, AuditRecord>("SELECT * FROM audit_entries WHERE tenant_id = $1 ORDER BY seq")
                    .bind(tenant_id)
                    .fetch(&mut *transaction);
            while let Some(row) = rows.try_next().await? {
                if !visit(row) {
                    break;
                }
            }
        }
        let head = sqlx::query_as("SELECT * FROM audit_heads WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut *transaction)
            .await?;
        transaction.rollback().await?;
        Ok(head)
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }
}

impl crate::store::Store for PostgresStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }
}

/// Inserts registered units with seqs `first..`: one statement, every column bound as an array.
async fn insert_units(
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    tenant_id: &str,
    first: i64,
    units: &[NewUnit],
    now: i64,
) -> Result<(), StoreError> {
    let column = |field: fn(&NewUnit) -> &str| units.iter().map(field).collect::<Vec<&str>>();
    let lots: Vec<Option<&str>> = units.iter().map(|unit| unit.lot.as_deref()).collect();
    sqlx::query(
        "INSERT INTO units (id, tenant_id, product_id, serial, lot, status, state, version, last_seq, updated_at) \
         SELECT unit.id, $1, unit.product_id, unit.serial, unit.lot, unit.status, unit.state, 1, $2 + unit.ordinal - 1, \
         $3 FROM UNNEST($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY \
         AS unit (id, product_id, serial, lot, status, state, ordinal)",
    )
    .bind(tenant_id)
    .bind(first)
    .bind(now)
    .bind(column(|unit| &unit.id))
    .bind(column(|unit| &unit.product_id))
    .bind(column(|unit| &unit.serial))
    .bind(lots)
    .bind(column(|unit| &unit.change.status))
    .bind(column(|unit| &unit.change.state))
    .execute(&mut **transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, "a unit with one of these serials"))?;
    Ok(())
}

/// Inserts events with seqs `first..`: one statement, every column bound as an array.
async fn insert_events(
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    tenant_id: &str,
    first: i64,
    events: &[NewEvent],
    now: i64,
) -> Result<(), StoreError> {
    let column = |field: fn(&NewEvent) -> &str| events.iter().map(field).collect::<Vec<&str>>();
    let devices: Vec<Option<&str>> = events.iter().map(|event| event.device_id.as_deref()).collect();
    let device_seqs: Vec<Option<i64>> = events.iter().map(|event| event.device_seq).collect();
    let op_indexes: Vec<i64> = events.iter().map(|event| event.op_index).collect();
    sqlx::query(
        "INSERT INTO events (tenant_id, seq, op_id, op_index, unit_id, kind, payload, actor, device_id, device_seq, \
         recorded_at) \
         SELECT $1, $2 + event.ordinal - 1, event.op_id, event.op_index, event.unit_id, event.kind, event.payload, \
         event.actor, event.device_id, event.device_seq, $3 \
         FROM UNNEST($4::text[], $5::int8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int8[]) \
         WITH ORDINALITY AS event (op_id, op_index, unit_id, kind, payload, actor, device_id, device_seq, ordinal)",
    )
    .bind(tenant_id)
    .bind(first)
    .bind(now)
    .bind(column(|event| &event.op_id))
    .bind(op_indexes)
    .bind(column(|event| &event.unit_id))
    .bind(column(|event| &event.kind))
    .bind(column(|event| &event.payload))
    .bind(column(|event| &event.actor))
    .bind(devices)
    .bind(device_seqs)
    .execute(&mut **transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, "an event with this op_id"))?;
    Ok(())
}

define_audit_append!(sqlx::Postgres);
impl_account_store!(PostgresStore);
impl_audit_store!(PostgresStore, sqlx::Postgres);
impl_catalog_store!(PostgresStore, sqlx::Postgres);
impl_export_store!(PostgresStore, sqlx::Postgres);
impl_log_store!(PostgresStore, sqlx::Postgres);
impl_manufacturer_store!(PostgresStore, sqlx::Postgres);
impl_order_store!(PostgresStore, sqlx::Postgres);
impl_job_store!(PostgresStore, sqlx::Postgres);
impl_retention_store!(PostgresStore, sqlx::Postgres);
impl_sync_store!(PostgresStore, sqlx::Postgres);
impl_user_store!(PostgresStore);
impl_invitation_store!(PostgresStore);
