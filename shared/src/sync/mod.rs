//! Offline-first sync, as pure data and functions (see `docs/SYNC.md`): the server is the authority, devices
//! record commands in an outbox and pull the tenant's event log by a gap-free sequence number.
//!
//! Wire types (JSON, snake_case):
//! - [`pending_op`]: one recorded command, idempotent by its `op_id`, ordered by its `device_seq`.
//! - [`push`]: a batch of ops and the per-op answer; [`op_result`]: accepted, or refused with what the server had.
//! - [`pull`]: a page of events after a cursor, or "reset"; [`snapshot`]: the projection in pages, to bootstrap.
//!
//! Decisions:
//! - [`push_decision`]: the server's handling of a batch: duplicates, gaps, versions, and the state machine.
//! - [`replica`]: the device's outbox, confirmed state, optimistic view, cursor and conflict inbox.
//! - [`conflict`]: the "needs attention" inbox and what the user can do about an entry.
//! - [`backoff`]: when to try again.
//!
//! No clock, no randomness, no I/O: times, ids and random numbers are passed in.

pub mod backoff;
pub mod conflict;
pub mod op_result;
pub mod pending_op;
pub mod pull;
pub mod push;
pub mod push_decision;
pub mod replica;
pub mod snapshot;

pub use backoff::{backoff_delay, poll_interval, BACKOFF_BASE, BACKOFF_CAP};
pub use conflict::{describe_command, Conflict, ConflictError, Resolution};
pub use op_result::{LastChange, OpOutcome, OpResult, RefusedOp};
pub use pending_op::{OpOrigin, PendingOp};
pub use pull::{
    reset_reason, LogBounds, PullAnswer, PullRequest, PullResponse, ResetReason, WireEvent, MAX_PULL_EVENTS,
};
pub use push::{PushRequest, PushRequestError, PushResponse, Stop, MAX_PUSH_OPS};
pub use push_decision::{classify, decide_push, OpClass, PushDecision};
pub use replica::{
    ConfirmedUnit, Delivery, DeviceReplica, Journal, OpStatus, OpView, OptimisticView, Outbox, OutboxEntry,
    PullProblem, PullProgress, SettledOp, JOURNAL_LIMIT,
};
pub use snapshot::{SnapshotPage, SnapshotUnit, MAX_SNAPSHOT_UNITS};
