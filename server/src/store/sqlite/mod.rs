//! The embedded default backend: a SQLite file in WAL mode.
//!
//! SQLite allows one writer at a time. Rather than let connections race for the write lock (and fail with
//! "database is locked" when a read transaction tries to upgrade), every write goes through a pool of exactly
//! one connection, and reads use their own pool; WAL lets them proceed while a write is under way. Unit
//! commands, the busiest writes, are grouped into shared transactions by [`group_commit`].

mod group_commit;

use crate::store::sql::{
    define_audit_append, impl_account_store, impl_audit_store, impl_catalog_store, impl_export_store,
    impl_invitation_store, impl_job_store, impl_log_store, impl_manufacturer_store, impl_order_store,
    impl_retention_store, impl_sync_store, impl_user_store, prelude::*,
};
use group_commit::GroupCommit;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// SQLite has no row locks to skip: its single writer already runs claims one after the other.
const SKIP_LOCKED: &str = "";

/// SQLite has no `SELECT … FOR UPDATE`: the single writer connection already serialises transactions.
const LOCK_ROW: &str = "";

/// A SQLite read transaction already sees one snapshot (taken at its first read): nothing to set.
const BEGIN_SNAPSHOT: &str = "SELECT 1";

/// A purged unit's state with its `PURGED_FIELDS` set to null (docs/RETENTION.md).
fn purged_state_expression() -> String {
    let fields: Vec<String> = crate::store::PURGED_FIELDS.iter().map(|field| format!("'$.{field}', NULL")).collect();
    format!("json_set(state, {})", fields.join(", "))
}

/// SQLite has no UPDATE inside WITH: the head moves in a statement of its own.
const AUDIT_HEAD_IN_INSERT: bool = false;

/// The `serials` of an audit entry's new value (JSON text), as a number: what the exports alert adds up.
const ENTRY_SERIALS: &str = "CAST(json_extract(new_value, '$.serials') AS BIGINT)";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("src/store/sqlite/migrations");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
    commands: GroupCommit,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL in WAL mode: a power cut may lose the last commits but never corrupts the file.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("cache_size", "-65536");
        // No ping before each use: a connection to a local file does not go stale, and the ping is a round
        // trip to the connection's worker thread.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            // A reader's page cache is thrown away whenever another connection has committed since its last
            // read, and throwing away a big one costs time on every read under a steady flow of commands: the
            // readers keep a small cache (the OS caches the file anyway).
            .connect_with(options.read_only(true).pragma("cache_size", "-2048"))
            .await?;
        let commands = GroupCommit::start(write.clone());
        Ok(Self { write, read, commands })
    }

    async fn apply_command(&self, tenant_id: &str, op: OpInput, decide: Decide<'_>) -> Result<OpOutcome, StoreError> {
        self.commands.apply(tenant_id, op, decide).await
    }

    /// Writes a consistent copy of the whole database to `path` (SQLite's `VACUUM INTO`) while it stays in use.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        // A copy of everything is an export: recorded first, so the copy holds its own entry.
        let entry = AuditEntry::new(crate::store::SERVER_CHAIN, "database.backed_up", "database", "sqlite")
            .new_value(serde_json::json!({ "to": path.to_string_lossy() }));
        audit_commit(self.write.begin().await?, &[entry]).await?;
        sqlx::query("VACUUM INTO $1").bind(path.to_string_lossy().as_ref()).execute(&self.write).await?;
        Ok(())
    }

    /// A chain's entries in seq order and then its head, in one read transaction. SQLite answers the entries
    /// in pages of one JSON array each (sqlx hands rows from SQLite's thread to the async side one by one,
    /// which made a walk of 10,000,000 entries several times slower than SQLite reads them), and the next
    /// page is read and parsed while `visit` checks this one: SQLite's thread, a blocking thread and this
    /// task each do a third of the work at once.
    async fn audit_scan_rows(
        &self,
        tenant_id: &str,
        visit: VisitEntry<'_>,
    ) -> Result<Option<AuditHeadRecord>, StoreError> {
        let mut transaction = self.read.begin().await?;
        let mut page = audit_page(&mut transaction, tenant_id, 0).await?;
        while let Some(last) = page.last().map(|row| row.0) {
            let full = page.len() as i64 == AUDIT_PAGE;
            let rows = std::mem::take(&mut page);
            let (next, go_on) = tokio::join!(
                async {
                    match full {
                        true => audit_page(&mut transaction, tenant_id, last).await,
                        false => Ok(Vec::new()),
                    }
                },
                async { rows.into_iter().all(|row| visit(audit_record(tenant_id, row))) }
            );
            if !go_on {
                break;
            }
            page = next?;
        }
        let head = sqlx::query_as("SELECT * FROM audit_heads WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut *transaction)
            .await?;
        transaction.rollback().await?;
        Ok(head)
    }

    fn writer(&self) -> &SqlitePool {
        &self.write
    }

    fn reader(&self) -> &SqlitePool {
        &self.read
    }
}

impl crate::store::Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }
}

/// Entries per page of a chain's walk.
const AUDIT_PAGE: i64 = 5_000;

/// A page of a chain as one JSON array of arrays (put in seq order after parsing: an ORDER BY inside the
/// aggregate would sort every page again).
const AUDIT_PAGE_SQL: &str = "SELECT json_group_array(json_array(seq, at, client_time, action, actor, actor_tenant, \
     device_id, object_kind, object_id, old_value, new_value, reason, payload_hash, prev_hash, hash, purged_at, \
     archived_in)) FROM (SELECT * FROM audit_entries WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3)";

/// An entry as [`AUDIT_PAGE_SQL`] gives it: the columns of [`AuditRecord`] after `tenant_id`, in order.
#[derive(serde::Deserialize)]
struct AuditRow(
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
);

/// Reads the page after `after` and parses it on a blocking thread, so parsing runs beside the checking of the
/// page before.
async fn audit_page(
    transaction: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    tenant_id: &str,
    after: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let (text,): (Option<String>,) = sqlx::query_as(AUDIT_PAGE_SQL)
        .bind(tenant_id)
        .bind(after)
        .bind(AUDIT_PAGE)
        .fetch_one(&mut **transaction)
        .await?;
    let parsed = tokio::task::spawn_blocking(move || {
        let mut rows: Vec<AuditRow> = serde_json::from_str(text.as_deref().unwrap_or("[]"))?;
        rows.sort_unstable_by_key(|row| row.0);
        Ok::<_, serde_json::Error>(rows)
    })
    .await;
    let parsed =
        parsed.map_err(|error| StoreError::Unavailable(format!("reading a page of the audit chain: {error}")))?;
    parsed.map_err(|error| StoreError::Database(format!("reading a page of the audit chain: {error}")))
}

fn audit_record(tenant_id: &str, row: AuditRow) -> AuditRecord {
    let (seq, at, client_time, action, actor, actor_tenant, device_id, object_kind, object_id) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8);
    AuditRecord {
        tenant_id: tenant_id.to_owned(),
        seq,
        at,
        client_time,
        action,
        actor,
        actor_tenant,
        device_id,
        object_kind,
        object_id,
        old_value: row.9,
        new_value: row.10,
        reason: row.11,
        payload_hash: row.12,
        prev_hash: row.13,
        hash: row.14,
        purged_at: row.15,
        archived_in: row.16,
    }
}

/// Inserts registered units with seqs `first..` in multi-row `VALUES` statements.
async fn insert_units(
    transaction: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    tenant_id: &str,
    first: i64,
    units: &[NewUnit],
    now: i64,
) -> Result<(), StoreError> {
    const COLUMNS: usize = 10;
    for (index, chunk) in units.chunks(MAX_BIND_PARAMS / COLUMNS).enumerate() {
        let base = first + (index * (MAX_BIND_PARAMS / COLUMNS)) as i64;
        let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO units (id, tenant_id, product_id, serial, lot, status, state, version, last_seq, updated_at) ",
        );
        query.push_values(chunk.iter().enumerate(), |mut row, (offset, unit)| {
            row.push_bind(&unit.id)
                .push_bind(tenant_id)
                .push_bind(&unit.product_id)
                .push_bind(&unit.serial)
                .push_bind(&unit.lot)
                .push_bind(&unit.change.status)
                .push_bind(&unit.change.state)
                .push_bind(1_i64)
                .push_bind(base + offset as i64)
                .push_bind(now);
        });
        query
            .build()
            .execute(&mut **transaction)
            .await
            .map_err(|error| StoreError::from_insert(error, "a unit with one of these serials"))?;
    }
    Ok(())
}

/// Inserts events with seqs `first..` in multi-row `VALUES` statements.
async fn insert_events(
    transaction: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    tenant_id: &str,
    first: i64,
    events: &[NewEvent],
    now: i64,
) -> Result<(), StoreError> {
    const COLUMNS: usize = 11;
    for (index, chunk) in events.chunks(MAX_BIND_PARAMS / COLUMNS).enumerate() {
        let base = first + (index * (MAX_BIND_PARAMS / COLUMNS)) as i64;
        let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO events (tenant_id, seq, op_id, op_index, unit_id, kind, payload, actor, device_id, \
             device_seq, recorded_at) ",
        );
        query.push_values(chunk.iter().enumerate(), |mut row, (offset, event)| {
            row.push_bind(tenant_id)
                .push_bind(base + offset as i64)
                .push_bind(&event.op_id)
                .push_bind(event.op_index)
                .push_bind(&event.unit_id)
                .push_bind(&event.kind)
                .push_bind(&event.payload)
                .push_bind(&event.actor)
                .push_bind(&event.device_id)
                .push_bind(event.device_seq)
                .push_bind(now);
        });
        query
            .build()
            .execute(&mut **transaction)
            .await
            .map_err(|error| StoreError::from_insert(error, "an event with this op_id"))?;
    }
    Ok(())
}

define_audit_append!(sqlx::Sqlite);
impl_account_store!(SqliteStore);
impl_audit_store!(SqliteStore, sqlx::Sqlite);
impl_catalog_store!(SqliteStore, sqlx::Sqlite);
impl_export_store!(SqliteStore, sqlx::Sqlite);
impl_log_store!(SqliteStore, sqlx::Sqlite);
impl_manufacturer_store!(SqliteStore, sqlx::Sqlite);
impl_order_store!(SqliteStore, sqlx::Sqlite);
impl_job_store!(SqliteStore, sqlx::Sqlite);
impl_retention_store!(SqliteStore, sqlx::Sqlite);
impl_sync_store!(SqliteStore, sqlx::Sqlite);
impl_user_store!(SqliteStore);
impl_invitation_store!(SqliteStore);
