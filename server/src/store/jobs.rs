//! The durable outbox of background work (docs/JOBS.md): a job is a row, enqueued idempotently by its
//! `dedupe_key`, claimed by one server at a time with a lease, renewed while it runs and finished with its
//! result. A server that dies mid-job lets its lease run out and another claims the job again; the work itself
//! is written so that running it twice changes nothing (a retention run moves only what is still due).

use super::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub tenant_id: Option<String>,
    pub dedupe_key: String,
    pub payload: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    pub queued_by: String,
    pub queued_at: i64,
    pub due_at: i64,
    pub attempts: i64,
    pub claimed_by: Option<String>,
    pub lease_until: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// JSON, what a finished job did.
    pub result: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub tenant_id: Option<String>,
    pub dedupe_key: String,
    pub payload: String,
    pub due_at: i64,
}

/// How many times a job is tried before it is left failed.
pub const MAX_ATTEMPTS: i64 = 5;

#[async_trait::async_trait]
pub trait JobStore {
    /// Enqueues the job unless one with its `dedupe_key` exists; answers the job that holds the key and
    /// whether it is the new one. A job enqueued by a person (`audited`) records `<kind>.queued`.
    async fn job_enqueue(&self, job: NewJob, audited: bool) -> Result<(JobRecord, bool), StoreError>;
    /// Claims the next due job for `worker` until `lease_until`: a queued one, or a running one whose lease
    /// ran out (its server stopped). One job of a kind runs per tenant at a time.
    async fn job_claim(&self, worker: &str, now: i64, lease_until: i64) -> Result<Option<JobRecord>, StoreError>;
    /// Extends the lease; false when the job is no longer this worker's (its lease ran out and it was taken).
    async fn job_renew(&self, id: &str, worker: &str, lease_until: i64) -> Result<bool, StoreError>;
    /// Ends the job: done with its result (JSON), or failed with an error (queued again after `retry_at` while
    /// attempts remain). Its `dedupe_key` stays taken: a day's retention runs once that day.
    async fn job_finish(
        &self,
        id: &str,
        worker: &str,
        outcome: Result<String, String>,
        retry_at: i64,
    ) -> Result<(), StoreError>;
    /// The latest jobs of a kind for a tenant, newest first.
    async fn jobs(&self, tenant_id: &str, kind: &str, limit: i64) -> Result<Vec<JobRecord>, StoreError>;
}
