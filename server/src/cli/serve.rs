//! `serialtrack serve`: start the HTTP server.

use crate::config::{default_app_dir, default_database_url, DatabaseUrl};
use crate::web::{self, AppState};
use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SERIALTRACK_BIND")]
    bind: SocketAddr,
    /// sqlite://… (embedded default) or postgres://…; defaults to a SQLite file in the data folder.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Folder for the embedded database and other local data.
    #[arg(long, default_value = "data", env = "SERIALTRACK_DATA_DIR")]
    data_dir: PathBuf,
    /// Folder of the built browser app (`trunk build` writes it to `dist`).
    #[arg(long, env = "SERIALTRACK_APP_DIR")]
    app_dir: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "serialtrack=info,tower_http=info".into()),
        )
        .init();
    let database_url = match &args.database_url {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(&args.data_dir)
                .with_context(|| format!("creating the data folder {}", args.data_dir.display()))?;
            default_database_url(&args.data_dir)
        }
    };
    let database = DatabaseUrl::parse(&database_url)?;
    let app_dir = args.app_dir.unwrap_or_else(default_app_dir);
    if !app_dir.join("index.html").is_file() {
        tracing::warn!(app.dir = %app_dir.display(), "no built app found: run `trunk build --release` (scripts/run does)");
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = crate::store::connect(&database).await.context("opening the database")?;
        let state = AppState::new(store, app_dir);
        let listener = tokio::net::TcpListener::bind(args.bind).await.with_context(|| {
            format!("listening on {}: is another server using that port? try --bind 127.0.0.1:8081", args.bind)
        })?;
        tracing::info!(bind = %listener.local_addr()?, database = database.backend_name(), "serialtrack is ready");
        axum::serve(listener, web::router(state)).with_graceful_shutdown(shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
