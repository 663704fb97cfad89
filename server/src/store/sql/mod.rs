//! The SQL both backends run, as macros that stamp the storage traits onto a backend type.
//!
//! A backend module provides `writer()` and `reader()` (its pools), the constant `SKIP_LOCKED` (how a claim
//! skips rows another transaction holds), the bulk inserts `insert_units` and `insert_events` (multi-row
//! `VALUES` on SQLite, array binds with `UNNEST` on PostgreSQL), the method `apply_command` behind
//! `unit_apply` (group commit on SQLite, row locks on PostgreSQL), `LOCK_ROW` (how to lock a row read inside a
//! transaction), `BEGIN_SNAPSHOT` (the first statement of a read transaction that must see one snapshot),
//! `ENTRY_SERIALS` (the `serials` of an audit entry's JSON new value, as a number) and
//! brings [`prelude`] into scope, then invokes the macros.

mod accounts;
mod audit;
mod catalog;
mod exports;
mod invitations;
mod jobs;
mod log;
mod manufacturer;
mod orders;
pub(crate) mod retention;
mod sync;
mod users;

pub(crate) use accounts::impl_account_store;
pub(crate) use audit::{define_audit_append, impl_audit_store};
pub(crate) use catalog::impl_catalog_store;
pub(crate) use exports::impl_export_store;
pub(crate) use invitations::{impl_invitation_store, INVITATION_SELECT};
pub(crate) use jobs::impl_job_store;
pub(crate) use log::impl_log_store;
pub(crate) use manufacturer::impl_manufacturer_store;
pub(crate) use orders::impl_order_store;
pub use orders::{NOT_COMMISSIONED, ORDER_COLUMNS};
pub(crate) use retention::impl_retention_store;
pub(crate) use sync::{impl_sync_store, ESCALATION_SELECT};
pub(crate) use users::impl_user_store;

/// The most bind parameters one statement gets: below SQLite's 32,766 and PostgreSQL's 65,535.
pub const MAX_BIND_PARAMS: usize = 30_000;
/// Rows per multi-row insert or `IN (…)` list of a table with at most six bound columns.
pub const ROWS_PER_INSERT: usize = MAX_BIND_PARAMS / 6;

/// The SET clause that appends a pool action's id (the bind or `$n` that follows) to a serial's history, in
/// the same UPDATE that changes the serial.
pub const APPEND_ACTION: &str = "actions = COALESCE(actions || ' ', '') || ";

/// Appends the values as binds separated by commas: the one way a list goes into `IN (…)`, whose parentheses
/// stay in the SQL text beside it.
pub fn push_list<'args, DB, T>(query: &mut sqlx::QueryBuilder<'args, DB>, values: impl IntoIterator<Item = T>)
where
    DB: sqlx::Database,
    T: 'args + sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    let mut separated = query.separated(", ");
    for value in values {
        separated.push_bind(value);
    }
}

/// What the SQL macros expect to find in scope.
pub mod prelude {
    pub use super::{event_records, push_list, APPEND_ACTION, MAX_BIND_PARAMS, ROWS_PER_INSERT};
    pub(crate) use super::{ESCALATION_SELECT, INVITATION_SELECT};
    pub use crate::store::audit::{changed_fields, VisitEntry};
    pub use crate::store::log::Decide;
    pub use crate::store::{
        new_id, now_millis, AlertRecord, ApiKeyRecord, AuditCheckpointRecord, AuditEntry, AuditFilter, AuditHeadRecord,
        AuditRecord, Decision, EscalationRecord, EventRecord, Export, ExportRefusal, ExportSettings,
        ExportSettingsChange, IdempotencyClaim, IdempotencyScope, InvitationRecord, InvitationSettled, KeyGrants,
        LocationRecord, NewApiKey, NewEvent, NewOrder, NewProduct, NewSession, NewUnit, NewUser, OpInput, OpOutcome,
        OpResultRecord, OrderCountsRecord, OrderRecord, OrderSerialRecord, PartnerSerialRecord, PoolAction,
        PoolActionRecord, PoolCountRecord, PoolHoldRecord, PoolSerialRecord, PoolStateRecord, PrincipalRecord,
        ProductChanges, ProductRecord, SerialExtraRecord, SessionRecord, SignInFailureRecord, StoreError, StoredAnswer,
        StoredSettings, TenantRecord, UnitRecord, UserChanged, UserChanges, UserRecord,
    };
    pub use crate::store::{
        ArchivedHash, HoldRecord, JobRecord, Moved, NewHold, NewJob, PlaceCount, RestingUnit, SegmentRecord,
    };
}

/// The records of events just appended with seqs `first..`, as the store hands them back.
pub fn event_records(
    tenant_id: &str,
    first: i64,
    events: &[crate::store::NewEvent],
    now: i64,
) -> Vec<crate::store::EventRecord> {
    events
        .iter()
        .enumerate()
        .map(|(offset, event)| crate::store::EventRecord {
            tenant_id: tenant_id.to_owned(),
            seq: first + offset as i64,
            op_id: event.op_id.clone(),
            op_index: event.op_index,
            unit_id: event.unit_id.clone(),
            kind: event.kind.clone(),
            payload: event.payload.clone(),
            actor: event.actor.clone(),
            device_id: event.device_id.clone(),
            device_seq: event.device_seq,
            recorded_at: now,
        })
        .collect()
}
