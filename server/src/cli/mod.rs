//! The `serialtrack` command line: one binary for the server and for operators' and integrators' tools.

mod audit;
mod backup;
mod database;
mod gs1_parse;
mod rebuild;
mod serials_generate;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "serialtrack", version, about = "Offline-first serial number tracking: server and tools")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server: the JSON API under /api/v1 and the browser app.
    Serve(serve::ServeArgs),
    /// Recompute the unit projection from the event log (it should come out as it was).
    Rebuild(rebuild::RebuildArgs),
    /// Write a consistent copy of the embedded database to a file, while the server runs.
    Backup(backup::BackupArgs),
    /// Bring back a backup (stop the server first); every organisation's log gets a new epoch so devices
    /// reset and push again what the backup does not have.
    Restore(backup::RestoreArgs),
    /// The audit trail: verify its chains, sign them, export the signed checkpoints (docs/AUDIT.md).
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// GS1 scanner strings, element strings and Digital Link URIs.
    Gs1 {
        #[command(subcommand)]
        command: Gs1Command,
    },
    /// Serial number generation.
    Serials {
        #[command(subcommand)]
        command: SerialsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum Gs1Command {
    /// Parse a scanner string into its (AI, value) elements; `-` reads one input per line from stdin.
    Parse(gs1_parse::ParseArgs),
}

#[derive(Debug, Subcommand)]
pub enum SerialsCommand {
    /// Write serial numbers to stdout, one per line.
    Generate(serials_generate::GenerateArgs),
}

/// Runs a parsed command line; the exit code says whether every input was valid.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Rebuild(args) => rebuild::run(args),
        Command::Backup(args) => backup::backup(args),
        Command::Restore(args) => backup::restore(args),
        Command::Audit { command } => audit::run(command),
        Command::Gs1 { command: Gs1Command::Parse(args) } => gs1_parse::run(args),
        Command::Serials { command: SerialsCommand::Generate(args) } => serials_generate::run(args),
    }
}
