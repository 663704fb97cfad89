//! The `--database-url` and `--data-dir` options every command that opens the database shares.

use crate::config::{default_database_url, DatabaseUrl};
use crate::store::{self, Store};
use anyhow::Context;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct DatabaseArgs {
    /// sqlite://… (embedded default) or postgres://…; defaults to a SQLite file in the data folder.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Folder for the embedded database and other local data.
    #[arg(long, default_value = "data", env = "SERIALTRACK_DATA_DIR")]
    data_dir: PathBuf,
}

impl DatabaseArgs {
    /// The database URL to use, creating the data folder when the default SQLite file lives there.
    pub fn url(&self) -> anyhow::Result<DatabaseUrl> {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => {
                std::fs::create_dir_all(&self.data_dir)
                    .with_context(|| format!("creating the data folder {}", self.data_dir.display()))?;
                default_database_url(&self.data_dir)
            }
        };
        Ok(DatabaseUrl::parse(&url)?)
    }

    /// The audit signing key's file: `--audit-key`, or `audit.key` in the data folder.
    pub fn audit_key_path(&self, audit_key: &Option<PathBuf>) -> PathBuf {
        audit_key.clone().unwrap_or_else(|| self.data_dir.join("audit.key"))
    }

    /// Opens the database and brings its schema up to date.
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        let url = self.url()?;
        store::connect(&url).await.with_context(|| format!("opening the {} database", url.backend_name()))
    }
}
