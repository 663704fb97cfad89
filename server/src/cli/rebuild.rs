//! `serialtrack rebuild`: recompute the unit projection of every tenant from the event log.

use super::database::DatabaseArgs;
use crate::domain::rebuild::rebuild_tenant;
use anyhow::Context;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RebuildArgs {
    #[command(flatten)]
    database: DatabaseArgs,
}

pub fn run(args: RebuildArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = args.database.open().await?;
        for tenant in store.tenants().await? {
            let report = rebuild_tenant(store.as_ref(), &tenant.id).await?;
            println!(
                "{}: {} events folded into {} units; {} units differed from the stored projection",
                tenant.name, report.events, report.units, report.differing
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}
