//! One sync pass, as docs/SYNC.md schedules it: push until the outbox has nothing unsent, then pull pages until
//! `has_more` is false; a "reset" re-bootstraps from the snapshot and keeps the outbox. Each answer is folded
//! in by one IndexedDB transaction (see `db::replica_store`); the decisions are the shared replica's.

use super::bootstrap::{bootstrap, fill_pending};
use super::reset::{outbox_keys, reset};
pub use super::reset::{OnProgress, SyncError};
use crate::api::{self, ApiError};
use crate::db::{DbError, LocalDb, Step};
use crate::history_view::history_line;
use crate::replica_parts::storage_key;
use crate::sync_wire::{keeps_event, KeepMode};
use serialtrack_shared::sync::{PullAnswer, PullProblem, PullResponse, ResetReason, MAX_PUSH_OPS};
use std::collections::BTreeSet;

/// The units of the ops the next push sends (the first 100 not yet acknowledged, as `next_push` takes them):
/// only their records change with its answer, however long the outbox is.
async fn next_push_keys(db: &LocalDb) -> Result<Vec<String>, DbError> {
    let outbox = db.outbox().await?;
    let unsent =
        outbox.iter().filter(|entry| !matches!(entry.delivery, serialtrack_shared::sync::Delivery::Acked { .. }));
    let keys: BTreeSet<String> = unsent.take(MAX_PUSH_OPS).map(|entry| storage_key(&entry.op.unit)).collect();
    Ok(keys.into_iter().collect())
}

/// Pushes every unsent op, 100 at a time. Returns whether anything was sent.
pub async fn push_all(db: &LocalDb) -> Result<bool, SyncError> {
    let mut sent = false;
    loop {
        let keys = next_push_keys(db).await?;
        let Some(request) = db.replica_step(&keys, false, |replica| Step::commit(replica.next_push())).await? else {
            return Ok(sent);
        };
        sent = true;
        match api::push(&request).await {
            Ok(response) => {
                // Ops the server lost in a restore come back from the journal into the outbox here.
                let blocked = db
                    .push_answer_step(&keys, response.last_processed_device_seq, |replica| {
                        replica.on_push_response(&response);
                        Step::commit(replica.push_blocked().cloned())
                    })
                    .await?;
                // A gap the outbox or the journal can fill is retried at once; a gap neither can fill (ops the
                // server lost in a restore from before the device's last 10,000 settled changes) or a newer
                // vocabulary waits, said in words — never a loop of the same push.
                if let Some(stop) = blocked {
                    return Err(SyncError::Stuck(match stop {
                        serialtrack_shared::sync::Stop::Gap { expected } => format!(
                            "The server no longer has this device's changes from number {expected} on (it was \
                             restored from a backup older than the changes this device keeps) and this device \
                             cannot send them again: its later changes wait here, nothing is deleted; ask an \
                             administrator."
                        ),
                        other => other.message(),
                    }));
                }
            }
            Err(error) => {
                db.replica_step(&keys, false, |replica| {
                    replica.on_push_failed();
                    Step::commit(())
                })
                .await?;
                return Err(match error {
                    ApiError::Refused { status: 422, message, .. } => {
                        SyncError::Stuck(format!("The server refused this device's changes as a batch: {message}"))
                    }
                    other => SyncError::Api(other),
                });
            }
        }
    }
}

/// Sends the escalations the user made in the "needs attention" inbox that the server has not acknowledged.
/// Returns whether any was acknowledged.
pub async fn send_escalations(db: &LocalDb) -> Result<bool, SyncError> {
    let waiting = db.replica(&[]).await?.escalations_to_send();
    for op_id in &waiting {
        match api::escalate(&op_id.to_string()).await {
            // 404: the server keeps no refusal with this id (it was refused before a restore): nothing to send.
            Ok(()) | Err(ApiError::Refused { status: 404, .. }) => {}
            Err(error) => return Err(error.into()),
        }
        db.replica_step(&[], false, |replica| {
            replica.on_escalation_sent(*op_id);
            Step::commit(())
        })
        .await?;
    }
    Ok(!waiting.is_empty())
}

/// What one pulled page did.
enum PageOutcome {
    Applied { has_more: bool, changed: bool },
    Reset(ResetReason),
}

async fn apply_page(db: &LocalDb, page: &PullResponse, mode: KeepMode) -> Result<PageOutcome, SyncError> {
    // The page's units and the outbox's: an acknowledged op leaves the outbox when its event arrives, and each
    // of its units' display records then shows the confirmed state.
    let mut keys: BTreeSet<String> = page.events.iter().map(|event| storage_key(&event.unit)).collect();
    keys.extend(outbox_keys(db).await?);
    let keys: Vec<String> = keys.into_iter().collect();
    let outcome = db
        .replica_step(&keys, false, |replica| {
            let mut kept = page.clone();
            kept.events.retain(|event| {
                keeps_event(event, mode, |key| {
                    replica.confirmed(&event.unit).is_some()
                        || replica.outbox().entries().any(|entry| storage_key(&entry.op.unit) == key)
                })
            });
            let history = kept
                .events
                .iter()
                .filter_map(|event| Some(history_line(&storage_key(&event.unit), event.seq, &event.recorded().ok()?)))
                .collect();
            match replica.on_pull_page(&kept) {
                Ok(progress) => {
                    let changed = progress.applied > 0 || !page.op_results.is_empty();
                    let mut step = Step::commit(Ok(PageOutcome::Applied { has_more: progress.has_more, changed }));
                    step.extra.history = history;
                    step
                }
                Err(PullProblem::Reset(reason)) => Step::roll_back(Ok(PageOutcome::Reset(reason))),
                Err(PullProblem::UpgradeRequired(error)) => Step::roll_back(Err(SyncError::Stuck(format!(
                    "The server sends changes this app version cannot read ({error}): reload the app to upgrade."
                )))),
            }
        })
        .await?;
    outcome
}

/// Pulls pages until the device has caught up. Returns whether anything changed.
pub async fn pull_all(db: &LocalDb, mode: KeepMode, on_progress: OnProgress<'_>) -> Result<bool, SyncError> {
    let mut changed = false;
    let device_id = db.device_id().await?;
    // A fill of all units that stopped goes on first (read once: a finished bootstrap leaves none pending).
    let mut fill_stopped = mode == KeepMode::AllUnits && fill_pending(db).await?.is_some();
    for _ in 0..10_000 {
        let replica = db.replica(&[]).await?;
        if (replica.log_epoch().is_none() && replica.cursor() == 0) || fill_stopped {
            bootstrap(db, mode, on_progress).await?;
            fill_stopped = false;
            changed = true;
            continue;
        }
        // Ask for the results of every op not yet acknowledged, in case a push answer was lost.
        let unanswered = replica.outbox().unacknowledged().map(|entry| entry.op.device_seq).min();
        let results_after = unanswered.map(|device_seq| device_seq - 1);
        let answer = api::pull(&device_id, replica.cursor(), replica.log_epoch(), results_after).await?;
        let outcome = match answer {
            PullAnswer::Page(page) => apply_page(db, &page, mode).await?,
            PullAnswer::Reset { why } => PageOutcome::Reset(why),
        };
        match outcome {
            PageOutcome::Applied { has_more, changed: page_changed } => {
                changed |= page_changed;
                if !has_more {
                    return Ok(changed);
                }
            }
            PageOutcome::Reset(reason) => {
                web_sys::console::warn_1(&format!("sync reset: {}", reason.message()).into());
                reset(db).await?;
                changed = true;
            }
        }
    }
    Ok(changed)
}
