//! What the sync loop's steps and the bootstrap share: why a pass stopped, how progress is reported, and
//! the reset that forgets the confirmed state (docs/SYNC.md, "Restore" and "Pull"). A leaf below both, so
//! neither reaches into the other for it.

use crate::api::ApiError;
use crate::db::{DbError, LocalDb, Step};
use crate::replica_parts::storage_key;
use std::collections::BTreeSet;

/// Why a pass stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    Api(ApiError),
    Db(DbError),
    /// The server or the device is on another vocabulary, or the server refused the batch: said in words.
    Stuck(String),
}

impl SyncError {
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Api(error) if error.is_transient())
    }

    pub fn sentence(&self) -> String {
        match self {
            SyncError::Api(error) => error.sentence(),
            SyncError::Db(error) => error.to_string(),
            SyncError::Stuck(message) => message.clone(),
        }
    }
}

impl From<ApiError> for SyncError {
    fn from(error: ApiError) -> Self {
        SyncError::Api(error)
    }
}

impl From<DbError> for SyncError {
    fn from(error: DbError) -> Self {
        SyncError::Db(error)
    }
}

/// Progress of a bootstrap, for the settings screen.
pub type OnProgress<'a> = &'a dyn Fn(usize);

/// The units of every op in the outbox.
pub(super) async fn outbox_keys(db: &LocalDb) -> Result<Vec<String>, DbError> {
    let keys: BTreeSet<String> = db.outbox().await?.iter().map(|entry| storage_key(&entry.op.unit)).collect();
    Ok(keys.into_iter().collect())
}

/// Forgets the confirmed state and the cursor; the outbox stays and is queued again.
pub(super) async fn reset(db: &LocalDb) -> Result<(), SyncError> {
    let keys = outbox_keys(db).await?;
    db.replica_step(&keys, true, |replica| {
        replica.on_reset();
        let mut step = Step::commit(());
        step.extra.clear_confirmed = true;
        step
    })
    .await?;
    Ok(())
}
