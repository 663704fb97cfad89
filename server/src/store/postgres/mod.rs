//! The backend for scale: PostgreSQL (and Postgres-compatible engines); several servers may share it.
//!
//! Appends of one tenant are serialised by the lock `UPDATE tenants … RETURNING last_seq` takes on the tenant's
//! counter row until commit, so seqs become visible in order; a PostgreSQL sequence would not guarantee that.

use crate::store::sql::{impl_account_store, impl_catalog_store, impl_log_store, impl_sync_store, prelude::*};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Locks the unit row read at the start of a command, so two commands on one unit run one after the other.
const LOCK_ROW: &str = " FOR UPDATE";

/// Two servers claiming pool serials at once take different rows instead of waiting on each other.
const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

/// Makes every statement of a read transaction see one snapshot (READ COMMITTED takes one per statement).
const BEGIN_SNAPSHOT: &str = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";

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
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
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

impl_account_store!(PostgresStore);
impl_catalog_store!(PostgresStore, sqlx::Postgres);
impl_log_store!(PostgresStore, sqlx::Postgres);
impl_sync_store!(PostgresStore, sqlx::Postgres);
