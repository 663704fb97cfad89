//! Making signed checkpoints of the audit chains (docs/AUDIT.md, "Checkpoints"): on demand
//! (`serialtrack audit checkpoint`) and at intervals from `serve`. Safe with several servers on one database:
//! a chain has at most one checkpoint per head (the table's key), so two servers signing the same head store
//! one checkpoint between them.

use super::audit_key::AuditKey;
use crate::store::{now_millis, AuditCheckpointRecord, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// Signs the head of every chain that moved since its last checkpoint; returns the checkpoints stored.
pub async fn checkpoint_all(store: &dyn Store, key: &AuditKey) -> Result<Vec<AuditCheckpointRecord>, StoreError> {
    let mut made = Vec::new();
    for head in store.audit_heads().await? {
        if head.seq == 0 {
            continue;
        }
        let checkpoint = key.sign(&head.tenant_id, head.seq, &head.hash, now_millis());
        if store.audit_checkpoint_add(&checkpoint).await? {
            made.push(checkpoint);
        }
    }
    Ok(made)
}

/// Runs [`checkpoint_all`] every `interval` until the runtime stops; a failure is logged and tried again.
pub fn spawn_interval(store: Arc<dyn Store>, key: Arc<AuditKey>, interval: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match checkpoint_all(store.as_ref(), &key).await {
                Ok(made) if !made.is_empty() => tracing::info!(checkpoints = made.len(), "audit chains signed"),
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "signing the audit chains failed; trying again at the next interval")
                }
            }
        }
    });
}

/// The checkpoints as a file: one JSON object a line (what `audit verify --checkpoints` reads).
pub fn export_lines(checkpoints: &[AuditCheckpointRecord]) -> String {
    checkpoints.iter().filter_map(|checkpoint| serde_json::to_string(checkpoint).ok()).map(|line| line + "\n").collect()
}

/// Reads a file of exported checkpoints; a bad line is named.
pub fn parse_lines(text: &str) -> Result<Vec<AuditCheckpointRecord>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|error| format!("line {}: not a checkpoint: {error}", index + 1))
        })
        .collect()
}
