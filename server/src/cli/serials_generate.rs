//! `serialtrack serials generate` (filled in with the serials module).
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    #[arg(long)]
    count: u64,
}

pub fn run(_args: GenerateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}
