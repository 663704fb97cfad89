//! `serialtrack audit …`: check the audit trail, sign its chains, export the signed checkpoints
//! (docs/AUDIT.md).

use super::database::DatabaseArgs;
use crate::domain::audit_checkpoints::{checkpoint_all, export_lines, parse_lines};
use crate::domain::audit_key::{parse_public_key, AuditKey};
use crate::domain::audit_verify::{verify, Trust};
use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Walk every chain and name the first entry that was edited, deleted, inserted or reordered; exits 1 on
    /// a tampered chain.
    Verify(VerifyArgs),
    /// Sign the head of every chain that moved since its last checkpoint, now.
    Checkpoint(KeyArgs),
    /// Write every signed checkpoint to a file (one JSON object a line), to keep apart from the database.
    ExportCheckpoints(ExportArgs),
    /// Print the public key of the audit key file: what a verifier elsewhere trusts (`--trusted-key`).
    PublicKey(KeyArgs),
}

#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The Ed25519 key file that signs checkpoints (made with mode 0600 if absent); default: audit.key in the
    /// data folder.
    #[arg(long, env = "SERIALTRACK_AUDIT_KEY")]
    audit_key: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Checkpoints exported earlier (`serialtrack audit export-checkpoints`): the chains must still pass
    /// through each of them, which finds a truncated tail or a chain rebuilt without the key.
    #[arg(long)]
    checkpoints: Option<PathBuf>,
    /// The public key (64 hex digits) whose checkpoints count; default: the key file's, if there is one.
    #[arg(long)]
    trusted_key: Option<String>,
    /// The key file whose public key is trusted when `--trusted-key` is not given.
    #[arg(long, env = "SERIALTRACK_AUDIT_KEY")]
    audit_key: Option<PathBuf>,
    /// Only this organisation's chain (its id).
    #[arg(long)]
    tenant: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Where to write them (`-` for standard output).
    #[arg(long, default_value = "-")]
    output: PathBuf,
}

pub fn run(command: AuditCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        match command {
            AuditCommand::Verify(args) => verify_command(args).await,
            AuditCommand::Checkpoint(args) => {
                let key = AuditKey::load_or_create(&args.database.audit_key_path(&args.audit_key))?;
                let store = args.database.open().await?;
                let made = checkpoint_all(store.as_ref(), &key).await?;
                for checkpoint in &made {
                    println!("{}: signed entry {} ({})", checkpoint.tenant_id, checkpoint.seq, checkpoint.hash);
                }
                println!("{} checkpoints made; public key {}", made.len(), key.public_key());
                Ok(ExitCode::SUCCESS)
            }
            AuditCommand::ExportCheckpoints(args) => {
                let store = args.database.open().await?;
                let checkpoints = store.audit_checkpoints(None).await?;
                let lines = export_lines(&checkpoints);
                if args.output.as_os_str() == "-" {
                    print!("{lines}");
                } else {
                    std::fs::write(&args.output, lines)
                        .with_context(|| format!("writing {}", args.output.display()))?;
                    eprintln!("{} checkpoints written to {}", checkpoints.len(), args.output.display());
                }
                Ok(ExitCode::SUCCESS)
            }
            AuditCommand::PublicKey(args) => {
                let key = AuditKey::load_or_create(&args.database.audit_key_path(&args.audit_key))?;
                println!("{}", key.public_key());
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

async fn verify_command(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let exported = match &args.checkpoints {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            parse_lines(&text).map_err(|problem| anyhow::anyhow!("{}: {problem}", path.display()))?
        }
        None => Vec::new(),
    };
    let public_key = match &args.trusted_key {
        Some(text) => Some(parse_public_key(text)?),
        None => {
            // Never made here: verifying must not leave a new key behind.
            let path = args.database.audit_key_path(&args.audit_key);
            match path.exists() {
                true => Some(AuditKey::load_or_create(&path)?.public_key()),
                false => None,
            }
        }
    };
    let trust = Trust { public_key, exported };
    let store = args.database.open().await?;
    let started = Instant::now();
    let report = verify(store.as_ref(), args.tenant.map(|tenant| vec![tenant]), &trust).await?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for chain in &report.chains {
            match &chain.problem {
                None => println!(
                    "{}: intact, {} entries ({} purged), {} checkpoints matched",
                    chain.tenant_id, chain.entries, chain.purged, chain.checkpoints
                ),
                Some(tamper) => println!("{}: TAMPERED at entry {}: {}", chain.tenant_id, tamper.seq, tamper.what),
            }
        }
        let entries: u64 = report.chains.iter().map(|chain| chain.entries).sum();
        println!("{} chains, {entries} entries checked in {seconds:.1} s", report.chains.len());
        if trust.public_key.is_none() {
            println!("note: no trusted key given (--trusted-key or the key file): each checkpoint's own key was taken");
        }
    }
    Ok(if report.intact { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
