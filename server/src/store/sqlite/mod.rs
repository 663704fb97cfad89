//! The embedded default backend: a SQLite file in WAL mode.
//!
//! SQLite allows one writer at a time. Rather than let connections race for the write lock (and fail with
//! "database is locked" when a read transaction tries to upgrade), every write goes through a pool of exactly
//! one connection, and reads use their own pool; WAL lets them proceed while a write is under way.

use crate::store::sql::{impl_account_store, impl_catalog_store, impl_log_store, impl_sync_store, prelude::*};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// SQLite has no `SELECT … FOR UPDATE`: the single writer connection already serialises transactions.
const LOCK_ROW: &str = "";

/// SQLite has no row locks to skip: its single writer already runs claims one after the other.
const SKIP_LOCKED: &str = "";

/// A SQLite read transaction already sees one snapshot (taken at its first read): nothing to set.
const BEGIN_SNAPSHOT: &str = "SELECT 1";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("src/store/sqlite/migrations");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
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
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { write, read })
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

impl_account_store!(SqliteStore);
impl_catalog_store!(SqliteStore, sqlx::Sqlite);
impl_log_store!(SqliteStore, sqlx::Sqlite);
impl_sync_store!(SqliteStore, sqlx::Sqlite);
