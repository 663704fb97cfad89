//! The storage interface: the only place that knows SQL.
//!
//! One interface ([`Store`], split by topic into [`AccountStore`], [`UserStore`], [`InvitationStore`],
//! [`CatalogStore`], [`ExportStore`], [`JobStore`], [`LogStore`], [`OrderStore`], [`RetentionStore`] and
//! [`SyncStore`]) with two
//! backends, [`sqlite`] (the embedded default, WAL) and [`postgres`], each with its own `migrations/` folder
//! whose file names match. Both backends store the same portable column types (TEXT, BIGINT) and run the same
//! runtime queries (`sqlx::query_as(..).bind(..)`, `$1` placeholders work in both), so the SQL is written once
//! in [`sql`] and stamped onto each backend by a macro; what truly differs (connection set-up, row locking,
//! how writes are serialised) stays in the backend module.

mod accounts;
pub mod audit;
mod catalog;
mod error;
mod exports;
mod invitations;
mod jobs;
mod log;
mod manufacturer;
mod orders;
pub mod postgres;
mod records;
mod retention;
pub mod segment;
pub(crate) mod sql;
pub mod sqlite;
mod sync;
mod users;

pub use accounts::AccountStore;
pub use audit::{
    AuditCheckpointRecord, AuditEntry, AuditFilter, AuditHeadRecord, AuditRecord, AuditStore, SERVER_CHAIN,
};
pub use catalog::CatalogStore;
pub use error::StoreError;
pub use exports::{
    AlertRecord, Export, ExportRefusal, ExportSettings, ExportSettingsChange, ExportStore, StoredSettings, Tally,
    DEFAULT_ALERT_EXPORTED_SERIALS_PER_HOUR, DEFAULT_ALERT_FAILED_SIGN_INS_PER_HOUR, DEFAULT_LABEL_DOWNLOADS_PER_ORDER,
    DEFAULT_SERIALS_PER_DAY, EXPORT_KINDS,
};
pub use invitations::{InvitationRecord, InvitationSettled, InvitationStore};
pub use jobs::{JobRecord, JobStore, NewJob, MAX_ATTEMPTS};
pub use log::{Decision, LogStore, OpInput, OpOutcome};
pub use manufacturer::{
    IdempotencyClaim, IdempotencyScope, KeyGrants, ManufacturerStore, SerialExtraRecord, StoredAnswer,
    DEFAULT_MAX_SERIALS_PER_REQUEST,
};
pub use orders::{OrderCreated, OrderFilter, OrderStore, Reserved};
pub use records::*;
pub use retention::{
    seq_ranges, seq_ranges_merged, ArchivedHash, HoldRecord, Moved, NewHold, PlaceCount, RestingUnit, RetentionStore,
    SegmentRecord, PURGED_FIELDS,
};
pub use sync::{DecidePush, PushContext, PushWrites, SnapshotPage, SyncStore, DEVICE_OF_ANOTHER_TENANT};
pub use users::{NewSession, SessionRecord, UserChanged, UserChanges, UserStore};

use crate::config::DatabaseUrl;
use std::sync::Arc;

/// Everything the server stores, behind one object both backends implement.
pub trait Store:
    AccountStore
    + AuditStore
    + CatalogStore
    + ExportStore
    + InvitationStore
    + JobStore
    + LogStore
    + ManufacturerStore
    + OrderStore
    + RetentionStore
    + SyncStore
    + UserStore
    + Send
    + Sync
    + std::fmt::Debug
{
    /// `sqlite` or `postgres`, for the health check and logs.
    fn backend_name(&self) -> &'static str;
}

/// Opens the database the URL names and brings its schema up to date.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match url {
        DatabaseUrl::Sqlite { url } => Arc::new(sqlite::SqliteStore::connect(url).await?),
        DatabaseUrl::Postgres { url } => Arc::new(postgres::PostgresStore::connect(url).await?),
    })
}

/// Milliseconds since the Unix epoch, the one time format both backends store.
pub fn now_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A new id as text: a UUID v7, whose time-ordered prefix makes index inserts append at the end of the
/// B-tree instead of landing at random pages (a large part of registering 100,000 units at once).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
