//! A claimed job's lease (docs/JOBS.md): what the outbox hands the work it runs, so the work renews its claim
//! between batches and stops when another server has taken the job over.

use super::clock::Clock;
use crate::store::Store;

/// How long a claim lasts without renewal: longer than any one batch of work between renewals.
pub const LEASE_MILLIS: i64 = 120_000;

/// A claimed job's hold on its work: renewed between batches, lost when another server took the job over.
pub struct Lease<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a Clock,
    pub worker: &'a str,
    pub job_id: &'a str,
}

impl Lease<'_> {
    /// Extends the claim; false when the job is no longer this worker's.
    pub async fn renew(&self) -> bool {
        let until = self.clock.now_millis() + LEASE_MILLIS;
        self.store.job_renew(self.job_id, self.worker, until).await.unwrap_or(false)
    }
}
