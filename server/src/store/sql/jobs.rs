//! The SQL of [`JobStore`](crate::store::JobStore), the durable outbox (docs/JOBS.md), the same for both
//! backends. A backend module provides `SKIP_LOCKED`: how a claim passes over a row another server is claiming.

macro_rules! impl_job_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::JobStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "job_enqueue", job.kind = %job.kind))]
            async fn job_enqueue(&self, job: NewJob, audited: bool) -> Result<(JobRecord, bool), StoreError> {
                let now = now_millis();
                let queued_by = crate::store::audit::who::current().actor;
                let mut transaction = self.writer().begin().await?;
                let inserted: Option<JobRecord> = sqlx::query_as(
                    "INSERT INTO jobs (id, kind, tenant_id, dedupe_key, payload, state, queued_by, queued_at, due_at) \
                     VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING *",
                )
                .bind(new_id())
                .bind(&job.kind)
                .bind(&job.tenant_id)
                .bind(&job.dedupe_key)
                .bind(&job.payload)
                .bind(&queued_by)
                .bind(now)
                .bind(job.due_at)
                .fetch_optional(&mut *transaction)
                .await?;
                let Some(inserted) = inserted else {
                    let existing: JobRecord = sqlx::query_as("SELECT * FROM jobs WHERE dedupe_key = $1")
                        .bind(&job.dedupe_key)
                        .fetch_one(&mut *transaction)
                        .await?;
                    transaction.commit().await?;
                    return Ok((existing, false));
                };
                let entries: Vec<AuditEntry> = match (&inserted.tenant_id, audited) {
                    (Some(tenant_id), true) => {
                        vec![AuditEntry::new(tenant_id, &format!("{}.queued", inserted.kind), "job", &inserted.id)]
                    }
                    _ => Vec::new(),
                };
                audit_commit(transaction, &entries).await?;
                Ok((inserted, true))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "job_claim"))]
            async fn job_claim(&self, worker: &str, now: i64, lease_until: i64) -> Result<Option<JobRecord>, StoreError> {
                // One statement, so it takes the write lock before it reads (SQLite) and skips a row another
                // server is claiming (PostgreSQL): a due job whose tenant has no other job of its kind under a
                // live lease.
                Ok(sqlx::query_as(&format!(
                    "UPDATE jobs SET state = 'running', claimed_by = $2, lease_until = $3, attempts = attempts + 1, \
                     started_at = COALESCE(started_at, $1) WHERE id = (SELECT id FROM jobs j \
                     WHERE (state = 'queued' OR (state = 'running' AND lease_until < $1)) AND due_at <= $1 \
                     AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.kind = j.kind AND r.tenant_id = j.tenant_id \
                     AND r.id <> j.id AND r.state = 'running' AND r.lease_until >= $1) \
                     ORDER BY due_at, id LIMIT 1{SKIP_LOCKED}) RETURNING *"
                ))
                .bind(now)
                .bind(worker)
                .bind(lease_until)
                .fetch_optional(self.writer())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "job_renew"))]
            async fn job_renew(&self, id: &str, worker: &str, lease_until: i64) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND claimed_by = $2 AND state = 'running'",
                )
                .bind(id)
                .bind(worker)
                .bind(lease_until)
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() > 0)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "job_finish"))]
            async fn job_finish(
                &self,
                id: &str,
                worker: &str,
                outcome: Result<String, String>,
                retry_at: i64,
            ) -> Result<(), StoreError> {
                let now = now_millis();
                let (state, result, error) = match outcome {
                    Ok(result) => ("done", Some(result), None),
                    Err(error) => ("failed", None, Some(error)),
                };
                sqlx::query(
                    "UPDATE jobs SET state = CASE WHEN $3 = 'failed' AND attempts < $7 THEN 'queued' ELSE $3 END, \
                     due_at = CASE WHEN $3 = 'failed' AND attempts < $7 THEN $6 ELSE due_at END, \
                     finished_at = $8, result = $4, error = $5, lease_until = NULL \
                     WHERE id = $1 AND claimed_by = $2 AND state = 'running'",
                )
                .bind(id)
                .bind(worker)
                .bind(state)
                .bind(result)
                .bind(error)
                .bind(retry_at)
                .bind($crate::store::jobs::MAX_ATTEMPTS)
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "jobs", tenant.id = %tenant_id))]
            async fn jobs(&self, tenant_id: &str, kind: &str, limit: i64) -> Result<Vec<JobRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT * FROM jobs WHERE tenant_id = $1 AND kind = $2 ORDER BY queued_at DESC, id DESC LIMIT $3",
                )
                .bind(tenant_id)
                .bind(kind)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}
pub(crate) use impl_job_store;
