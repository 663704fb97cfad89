//! `serialtrack backup` and `serialtrack restore`: a backup of the embedded database, and bringing one back so
//! that devices notice (docs/SYNC.md, "Restore": the log gets a new epoch; devices reset and push again).

use super::database::DatabaseArgs;
use crate::config::DatabaseUrl;
use crate::store::sqlite::SqliteStore;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The file to write the backup to (it must not exist yet).
    #[arg(long)]
    to: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// A backup made by `serialtrack backup` to put in place of the embedded database. Stop the server first.
    /// Without it (PostgreSQL restored with pg_restore, say), only the new log epochs are given.
    #[arg(long)]
    from: Option<PathBuf>,
}

/// The file of an embedded database URL, or an error saying what to use instead.
fn sqlite_file(url: &DatabaseUrl, what: &str) -> anyhow::Result<PathBuf> {
    match url {
        DatabaseUrl::Sqlite { url } => {
            let path = url.trim_start_matches("sqlite://").split('?').next().unwrap_or_default();
            Ok(PathBuf::from(path))
        }
        DatabaseUrl::Postgres { .. } => {
            bail!("{what} works on the embedded SQLite database; for PostgreSQL use pg_dump and pg_restore, then run `serialtrack restore` without --from")
        }
    }
}

pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let url = args.database.url()?;
    sqlite_file(&url, "backup")?;
    if args.to.exists() {
        bail!("{} exists already: name a new file for the backup", args.to.display());
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let DatabaseUrl::Sqlite { url } = &url else { unreachable!("checked above") };
        let store = SqliteStore::connect(url).await.context("opening the database")?;
        store.backup_to(&args.to).await.with_context(|| format!("writing the backup {}", args.to.display()))
    })?;
    println!("backup written to {}", args.to.display());
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let url = args.database.url()?;
    if let Some(backup) = &args.from {
        let file = sqlite_file(&url, "restore --from")?;
        put_in_place(backup, &file)?;
        println!("{} restored from {}", file.display(), backup.display());
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let tenants = runtime.block_on(async {
        let store = args.database.open().await?;
        store.renew_log_epochs().await.context("giving the logs new epochs")
    })?;
    println!(
        "{tenants} organisations' logs have a new epoch: their devices will read them again and push what the \
         backup does not have"
    );
    Ok(ExitCode::SUCCESS)
}

/// Copies the backup over the database file; the old write-ahead log would replay newer pages, so it goes.
fn put_in_place(backup: &Path, file: &Path) -> anyhow::Result<()> {
    if !backup.is_file() {
        bail!("{} is not a file: give a backup made by `serialtrack backup`", backup.display());
    }
    let staged = file.with_extension("restoring");
    std::fs::copy(backup, &staged).with_context(|| format!("copying {}", backup.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", file.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    std::fs::rename(&staged, file).with_context(|| format!("putting the backup in place of {}", file.display()))?;
    Ok(())
}
