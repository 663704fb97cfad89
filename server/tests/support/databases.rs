//! Fresh, independent databases for tests: a SQLite file in a temporary folder, or a PostgreSQL schema of its
//! own in the cluster `SERIALTRACK_TEST_POSTGRES_URL` names (`eval "$(scripts/postgres-start)"` starts one).

use serialtrack_server::store::{postgres::PostgresStore, sqlite::SqliteStore, Store};
use sqlx::postgres::PgConnectOptions;
use sqlx::Connection;
use std::str::FromStr;
use std::sync::Arc;

/// A store and what keeps its database alive for the length of a test.
pub struct TestDatabase {
    pub store: Arc<dyn Store>,
    pub url: String,
    _folder: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestDatabase {
    let folder = tempfile::tempdir().expect("a temporary folder for the test database");
    let url = format!("sqlite://{}?mode=rwc", folder.path().join("test.db").display());
    let store = SqliteStore::connect(&url).await.expect("opening a fresh SQLite database");
    TestDatabase { store: Arc::new(store), url, _folder: Some(folder) }
}

/// A PostgreSQL store in a new schema, or `None` (after saying so) when no test cluster is configured.
pub async fn postgres(test_name: &str) -> Option<TestDatabase> {
    let Ok(admin_url) = std::env::var("SERIALTRACK_TEST_POSTGRES_URL") else {
        eprintln!(
            "SKIPPED {test_name} on PostgreSQL: SERIALTRACK_TEST_POSTGRES_URL is not set \
             (run `eval \"$(scripts/postgres-start)\"` first, as scripts/test does)"
        );
        return None;
    };
    let schema = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connecting to the test PostgreSQL");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut admin).await.expect("creating a test schema");
    let options = PgConnectOptions::from_str(&admin_url)
        .expect("a valid SERIALTRACK_TEST_POSTGRES_URL")
        .options([("search_path", schema.as_str())]);
    let store = PostgresStore::connect_with(options).await.expect("opening the test schema");
    let url = format!("{admin_url}?options=-c%20search_path%3D{schema}");
    Some(TestDatabase { store: Arc::new(store), url, _folder: None })
}
