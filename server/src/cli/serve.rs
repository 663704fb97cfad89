//! `serialtrack serve`: start the HTTP server.

use super::database::DatabaseArgs;
use crate::auth::PasswordCost;
use crate::config::default_app_dir;
use crate::domain::audit_checkpoints;
use crate::domain::audit_key::AuditKey;
use crate::seed::{self, AdminPassword};
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
    #[command(flatten)]
    database: DatabaseArgs,
    /// Folder of the built browser app (`scripts/build-app` writes it to `dist`, administration in `dist/admin`).
    #[arg(long, env = "SERIALTRACK_APP_DIR")]
    app_dir: Option<PathBuf>,
    /// On an empty database, create the demo: tenants, one user per role, products, pools and units.
    #[arg(long)]
    demo: bool,
    /// Mark cookies `Secure`: set this when the server is reached over HTTPS (directly or through a proxy).
    #[arg(long, env = "SERIALTRACK_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Take the client's address from the last `X-Forwarded-For` entry: only behind a proxy that sets it, or
    /// clients could pick their own address and escape the sign-in limits.
    #[arg(long, env = "SERIALTRACK_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// How the log is written: `text` for people, `json` (one object a line, with each request's span fields
    /// such as `tenant.id` and `op.id`) for machines that collect logs.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "SERIALTRACK_LOG_FORMAT")]
    log_format: LogFormat,
    /// The Ed25519 key file that signs the audit chains' checkpoints, kept outside the database (made with
    /// mode 0600 if absent); default: audit.key in the data folder (docs/AUDIT.md).
    #[arg(long, env = "SERIALTRACK_AUDIT_KEY")]
    audit_key: Option<PathBuf>,
    /// Minutes between signed checkpoints of the audit chains that moved.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), env = "SERIALTRACK_AUDIT_CHECKPOINT_MINUTES")]
    audit_checkpoint_minutes: u64,
    /// Seconds between looks at the outbox of background work (each day's retention run, runs asked for;
    /// docs/JOBS.md).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..), env = "SERIALTRACK_JOBS_SECONDS")]
    jobs_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "serialtrack=info".into());
    // A span's close is logged with its time: each request at info (with its status and duration_ms), each
    // store call inside it at debug (`RUST_LOG=serialtrack=debug`).
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE);
    match args.log_format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log.json().with_current_span(true).with_span_list(false).init(),
    }
    let app_dir = args.app_dir.clone().unwrap_or_else(default_app_dir);
    if !app_dir.join("index.html").is_file() {
        tracing::warn!(app.dir = %app_dir.display(), "no built app found: run `scripts/build-app` (scripts/run does)");
    } else if !app_dir.join("admin/index.html").is_file() {
        tracing::warn!(app.dir = %app_dir.display(), "no administration bundle in admin/: run `scripts/build-app`");
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let audit_key = AuditKey::load_or_create(&args.database.audit_key_path(&args.audit_key))?;
        let store = args.database.open().await?;
        if args.demo {
            if seed::seed_demo(store.as_ref(), PasswordCost::Standard).await? {
                tracing::info!("demo data created: sign in as admin / demo-admin-2026 (see the README for every role)");
            }
        } else {
            let password = std::env::var("SERIALTRACK_ADMIN_PASSWORD").ok();
            match seed::bootstrap_admin(store.as_ref(), password, PasswordCost::Standard).await? {
                Some(AdminPassword::Generated(password)) => println!(
                    "serialtrack: created the first account: username 'admin', password '{password}' \
                     (shown only now; set SERIALTRACK_ADMIN_PASSWORD to choose it yourself)"
                ),
                Some(AdminPassword::FromEnvironment) => {
                    tracing::info!(
                        "created the first account 'admin' with the password from SERIALTRACK_ADMIN_PASSWORD"
                    )
                }
                None => {}
            }
        }
        let mut state = AppState::new(store.clone(), app_dir);
        state.secure_cookies = args.secure_cookies;
        state.trust_forwarded_for = args.trust_forwarded_for;
        state.audit_public_key = Some(audit_key.public_key());
        let interval = std::time::Duration::from_secs(args.audit_checkpoint_minutes * 60);
        audit_checkpoints::spawn_interval(store.clone(), std::sync::Arc::new(audit_key), interval);
        let every = std::time::Duration::from_secs(args.jobs_seconds);
        let wake = state.outbox_wake.clone();
        tokio::spawn(crate::domain::outbox::run_forever(store.clone(), state.clock.clone(), every, wake));
        let listener = tokio::net::TcpListener::bind(args.bind).await.with_context(|| {
            format!("listening on {}: is another server using that port? try --bind 127.0.0.1:8081", args.bind)
        })?;
        tracing::info!(bind = %listener.local_addr()?, database = store.backend_name(), "serialtrack is ready");
        axum::serve(listener, web::service(state)).with_graceful_shutdown(shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
