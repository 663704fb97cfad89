//! The SQL both backends run, as macros that stamp the storage traits onto a backend type.
//!
//! A backend module provides `writer()` and `reader()` (its pools), the constant `LOCK_ROW` (how to lock a row
//! read inside a transaction), `SKIP_LOCKED` (how a claim skips rows another transaction holds), `BEGIN_SNAPSHOT` (the first
//! statement of a read transaction that must see one snapshot) and brings [`prelude`] into scope, then invokes the macros.

mod accounts;
mod catalog;
mod log;
mod sync;

pub(crate) use accounts::impl_account_store;
pub(crate) use catalog::impl_catalog_store;
pub(crate) use log::impl_log_store;
pub(crate) use sync::impl_sync_store;

/// The most bind parameters one statement gets: below SQLite's 32,766 and PostgreSQL's 65,535.
pub const MAX_BIND_PARAMS: usize = 30_000;
/// Rows per multi-row insert or `IN (…)` list of a table with at most six bound columns.
pub const ROWS_PER_INSERT: usize = MAX_BIND_PARAMS / 6;

/// What the SQL macros expect to find in scope.
pub mod prelude {
    pub use super::{MAX_BIND_PARAMS, ROWS_PER_INSERT};
    pub use crate::store::log::Decide;
    pub use crate::store::{
        new_id, now_millis, ApiKeyRecord, Decision, EventRecord, LocationRecord, NewApiKey, NewEvent, NewProduct,
        NewUnit, NewUser, OpInput, OpOutcome, OpResultRecord, PartnerSerialRecord, PoolCountRecord, PoolStateRecord,
        PrincipalRecord, ProductChanges, ProductRecord, StoreError, TenantRecord, UnitRecord, UserRecord,
    };
}
