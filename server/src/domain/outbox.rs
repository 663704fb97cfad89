//! The server's background work, from the durable outbox in the database (docs/JOBS.md, `store/jobs.rs`):
//! every server enqueues each day's retention run per organisation and the day's sweep of expired sessions
//! (the job's dedupe key makes each once), and
//! claims due jobs with a lease that it renews while the job runs. Several servers on one database therefore
//! run each job once, and a job whose server stopped is taken up again when its lease runs out.

use super::clock::Clock;
use super::lease::{Lease, LEASE_MILLIS};
use super::retention;
use crate::store::{JobRecord, NewJob, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// The kind of a retention run's job.
pub const RETENTION: &str = "retention";
/// The kind of the day's sweep of expired sessions (the server's, not an organisation's).
pub const EXPIRED_SESSIONS: &str = "expired_sessions";

/// How long a failed job waits before it is tried again.
const RETRY_MILLIS: i64 = 60_000;

/// A name for this server process in the jobs it claims.
pub fn worker_name() -> String {
    format!("server-{}", crate::store::new_id())
}

/// The job that runs retention for `tenant_id`: the day's one (`scheduled`) or one a person asked for.
pub fn retention_job(tenant_id: &str, clock: &Clock, scheduled: bool) -> NewJob {
    let today = clock.today();
    let dedupe_key = match scheduled {
        true => format!("{RETENTION}:{tenant_id}:{today}"),
        false => format!("{RETENTION}:{tenant_id}:asked:{}", crate::store::new_id()),
    };
    NewJob {
        kind: RETENTION.into(),
        tenant_id: Some(tenant_id.to_owned()),
        dedupe_key,
        payload: serde_json::json!({ "asked": !scheduled }).to_string(),
        due_at: clock.now_millis(),
    }
}

/// Enqueues today's retention run of every organisation and today's sweep of expired sessions (a no-op for
/// those already enqueued today).
pub async fn schedule(store: &Arc<dyn Store>, clock: &Clock) -> Result<(), StoreError> {
    for tenant in store.tenants().await? {
        store.job_enqueue(retention_job(&tenant.id, clock, true), false).await?;
    }
    let sweep = NewJob {
        kind: EXPIRED_SESSIONS.into(),
        tenant_id: None,
        dedupe_key: format!("{EXPIRED_SESSIONS}:{}", clock.today()),
        payload: "{}".into(),
        due_at: clock.now_millis(),
    };
    store.job_enqueue(sweep, false).await?;
    Ok(())
}

/// Claims one due job and runs it; false when none was due.
pub async fn work_once(store: &Arc<dyn Store>, clock: &Clock, worker: &str) -> Result<bool, StoreError> {
    let now = clock.now_millis();
    let Some(job) = store.job_claim(worker, now, now + LEASE_MILLIS).await? else { return Ok(false) };
    let outcome = run_job(store, clock, worker, &job).await;
    if let Err(error) = &outcome {
        tracing::warn!(job = %job.id, kind = %job.kind, %error, "a background job failed");
    }
    store.job_finish(&job.id, worker, outcome, clock.now_millis() + RETRY_MILLIS).await?;
    Ok(true)
}

/// Runs due jobs until none is left.
pub async fn work_until_idle(store: &Arc<dyn Store>, clock: &Clock, worker: &str) -> Result<u64, StoreError> {
    let mut done = 0;
    while work_once(store, clock, worker).await? {
        done += 1;
    }
    Ok(done)
}

async fn run_job(store: &Arc<dyn Store>, clock: &Clock, worker: &str, job: &JobRecord) -> Result<String, String> {
    match (job.kind.as_str(), &job.tenant_id) {
        (RETENTION, Some(tenant_id)) => {
            let lease = Lease { store: store.as_ref(), clock, worker, job_id: &job.id };
            let outcome = retention::run(store.as_ref(), tenant_id, clock.today(), &lease)
                .await
                .map_err(|error| error.to_string())?;
            Ok(serde_json::to_string(&outcome).unwrap_or_default())
        }
        (EXPIRED_SESSIONS, None) => {
            let forgotten =
                store.sessions_forget_expired(clock.now_millis()).await.map_err(|error| error.to_string())?;
            Ok(serde_json::json!({ "sessions_forgotten": forgotten }).to_string())
        }
        (kind, _) => Err(format!("this server does not know jobs of kind {kind}")),
    }
}

/// The loop `serve` runs: schedule, then work through what is due, every `every` — or at once when `wake` is
/// notified (a run asked for on this server; the others see it at their next look).
pub async fn run_forever(store: Arc<dyn Store>, clock: Clock, every: Duration, wake: Arc<tokio::sync::Notify>) {
    let worker = worker_name();
    // The day this server last enqueued the day's jobs: once a day is enough (the dedupe keys make a second
    // time a no-op, but it would still write once per organisation every look).
    let mut scheduled: Option<time::Date> = None;
    loop {
        let today = clock.today();
        if scheduled != Some(today) {
            match schedule(&store, &clock).await {
                Ok(()) => scheduled = Some(today),
                Err(error) => tracing::warn!(%error, "scheduling background jobs failed; trying again later"),
            }
        }
        if let Err(error) = work_until_idle(&store, &clock, &worker).await {
            tracing::warn!(%error, "background jobs stopped; trying again later");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = wake.notified() => {}
        }
    }
}
